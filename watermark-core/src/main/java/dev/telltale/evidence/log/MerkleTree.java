package dev.telltale.evidence.log;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 9162 §2.1 tree hashes and proof generation over {@link SubtreeHashes}. Every range the
 * recursion visits either is a complete aligned subtree (read from the store) or splits into one
 * and a smaller range, so roots and proofs cost O(log n) reads and hashes, never a rehash.
 */
public final class MerkleTree {
  private MerkleTree() {}

  /** MTH of leaves {@code [start, start + n)}; {@code start} aligned as the recursion makes it. */
  public static byte[] hash(SubtreeHashes s, long start, long n) throws IOException {
    if (n == 0) {
      return MerkleHash.empty();
    }
    if (Long.bitCount(n) == 1 && start % n == 0) {
      int level = Long.numberOfTrailingZeros(n);
      return s.hash(level, start >>> level);
    }
    long k = MerkleHash.split(n);
    return MerkleHash.node(hash(s, start, k), hash(s, start + k, n - k));
  }

  /** The root of the first {@code size} leaves. */
  public static byte[] root(SubtreeHashes s, long size) throws IOException {
    return hash(s, 0, size);
  }

  /** RFC 9162 §2.1.3.1 PATH(m, D[n]): the inclusion proof of leaf {@code index}, leaf first. */
  public static InclusionProof inclusionProof(SubtreeHashes s, long index, long size)
      throws IOException {
    if (index < 0 || index >= size) {
      throw new IllegalArgumentException("leaf " + index + " is not in a tree of size " + size);
    }
    List<byte[]> path = new ArrayList<>();
    path(s, index, 0, size, path);
    return new InclusionProof(index, size, path);
  }

  private static void path(SubtreeHashes s, long m, long start, long n, List<byte[]> out)
      throws IOException {
    if (n <= 1) {
      return;
    }
    long k = MerkleHash.split(n);
    if (m < k) {
      path(s, m, start, k, out);
      out.add(hash(s, start + k, n - k));
    } else {
      path(s, m - k, start + k, n - k, out);
      out.add(hash(s, start, k));
    }
  }

  /** RFC 9162 §2.1.4.1 PROOF(m, D[n]) for {@code 0 < m ≤ n}; empty when m = n or m = 0. */
  public static ConsistencyProof consistencyProof(SubtreeHashes s, long first, long second)
      throws IOException {
    if (first < 0 || first > second) {
      throw new IllegalArgumentException(
          "no consistency proof from size " + first + " to size " + second);
    }
    List<byte[]> path = new ArrayList<>();
    if (first > 0 && first < second) {
      subproof(s, first, 0, second, true, path);
    }
    return new ConsistencyProof(first, second, path);
  }

  private static void subproof(
      SubtreeHashes s, long m, long start, long n, boolean complete, List<byte[]> out)
      throws IOException {
    if (m == n) {
      if (!complete) {
        out.add(hash(s, start, n));
      }
      return;
    }
    long k = MerkleHash.split(n);
    if (m <= k) {
      subproof(s, m, start, k, complete, out);
      out.add(hash(s, start + k, n - k));
    } else {
      subproof(s, m - k, start + k, n - k, false, out);
      out.add(hash(s, start, k));
    }
  }

  /** Stored-hash view of leaf hashes held in memory (tests, small trees): builds every level. */
  public static SubtreeHashes inMemory(List<byte[]> leafHashes) {
    List<List<byte[]>> levels = new ArrayList<>();
    levels.add(List.copyOf(leafHashes));
    while (levels.get(levels.size() - 1).size() > 1) {
      List<byte[]> below = levels.get(levels.size() - 1);
      List<byte[]> up = new ArrayList<>();
      for (int i = 0; i + 1 < below.size(); i += 2) {
        up.add(MerkleHash.node(below.get(i), below.get(i + 1)));
      }
      levels.add(up);
    }
    return (level, index) -> levels.get(level).get(Math.toIntExact(index));
  }
}
