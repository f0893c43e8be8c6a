package dev.telltale.evidence.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.telltale.TestGenerators;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Inclusion and consistency proofs of random trees, and their tampered forms. */
class MerkleProofTest {
  static List<byte[]> leafHashes(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] e = new byte[r.nextInt(40)];
      r.nextBytes(e);
      out.add(MerkleHash.leaf(e));
    }
    return out;
  }

  static MerkleLog log(int n, long seed) throws IOException {
    MerkleLog log = MerkleLog.over(new InMemoryLogStore());
    SplittableRandom r = new SplittableRandom(seed);
    List<byte[]> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      // Distinct entries: with two equal sibling leaves a proof for one also proves the other.
      byte[] e = new byte[4 + r.nextInt(40)];
      r.nextBytes(e);
      java.nio.ByteBuffer.wrap(e).putInt(0, i);
      batch.add(e);
      // Mixed batch sizes exercise hashes completed inside and across batches.
      if (r.nextInt(4) == 0) {
        log.appendAll(batch);
        batch.clear();
      }
    }
    log.appendAll(batch);
    return log;
  }

  @Test
  void inclusionProofsVerifyForEveryLeaf() {
    qt().withFixedSeed(0x3E2C_0001L)
        .withExamples(60)
        .forAll(integers().between(1, 300), longs().all())
        .checkAssert((n, seed) -> TestGenerators.unchecked(() -> inclusionProofsVerify(n, seed)));
  }

  private static void inclusionProofsVerify(int n, long seed) throws IOException {
    MerkleLog log = log(n, seed);
    for (long size = 1; size <= n; size += Math.max(1, n / 7)) {
      byte[] root = log.root(size);
      List<byte[]> leaves = new ArrayList<>();
      for (long i = 0; i < size; i++) {
        leaves.add(log.leafHash(i));
      }
      assertArrayEquals(MerkleVectorsTest.reference(leaves), root);
      for (long i = 0; i < size; i++) {
        InclusionProof p = log.inclusionProof(i, size);
        assertTrue(p.verify(log.leafHash(i), root), "leaf " + i + " of " + size);
        byte[] other = log.leafHash((i + 1) % size);
        if (!java.util.Arrays.equals(other, log.leafHash(i))) {
          assertFalse(p.verify(other, root), "other leaf");
        }
      }
    }
  }

  @Test
  void consistencyProofsVerifyForEveryPairOfSizes() {
    qt().withFixedSeed(0x3E2C_0002L)
        .withExamples(40)
        .forAll(integers().between(1, 70), longs().all())
        .checkAssert((n, seed) -> TestGenerators.unchecked(() -> consistencyProofsVerify(n, seed)));
  }

  private static void consistencyProofsVerify(int n, long seed) throws IOException {
    MerkleLog log = log(n, seed);
    for (long m = 0; m <= n; m++) {
      for (long k = m; k <= n; k++) {
        ConsistencyProof p = log.consistencyProof(m, k);
        assertTrue(p.verify(log.root(m), log.root(k)), m + " -> " + k);
        if (m > 0 && m < k) {
          assertFalse(p.verify(log.root(k), log.root(m)), "swapped roots " + m + " -> " + k);
        }
      }
    }
  }

  @Test
  void tamperedInclusionProofsFail() {
    qt().withFixedSeed(0x3E2C_0003L)
        .withExamples(200)
        .forAll(integers().between(2, 500), longs().all(), integers().between(0, 1 << 20))
        .checkAssert(
            (n, seed, pick) ->
                TestGenerators.unchecked(() -> tamperedInclusionProofFails(n, seed, pick)));
  }

  private static void tamperedInclusionProofFails(int n, long seed, int pick) throws IOException {
    MerkleLog log = log(n, seed);
    long i = pick % n;
    byte[] root = log.root();
    InclusionProof p = log.inclusionProof(i, n);
    byte[] leaf = log.leafHash(i);
    List<byte[]> hs = new ArrayList<>(p.hashes());
    int j = pick % hs.size();
    byte[] flipped = hs.get(j).clone();
    flipped[pick % 32] ^= (byte) (1 << (pick % 8));
    hs.set(j, flipped);
    assertFalse(new InclusionProof(i, n, hs).verify(leaf, root), "flipped hash");
    assertFalse(new InclusionProof((i + 1) % n, n, p.hashes()).verify(leaf, root), "index");
    List<byte[]> shorter = p.hashes().subList(0, p.hashes().size() - 1);
    assertFalse(new InclusionProof(i, n, shorter).verify(leaf, root), "shortened");
    List<byte[]> longer = new ArrayList<>(p.hashes());
    longer.add(root);
    assertFalse(new InclusionProof(i, n, longer).verify(leaf, root), "lengthened");
    byte[] badRoot = root.clone();
    badRoot[0] ^= 1;
    assertFalse(p.verify(leaf, badRoot), "root");
  }

  @Test
  void rewrittenHistoryFailsConsistency() {
    qt().withFixedSeed(0x3E2C_0004L)
        .withExamples(200)
        .forAll(integers().between(2, 200), longs().all(), integers().between(0, 1 << 20))
        .checkAssert(
            (n, seed, pick) ->
                TestGenerators.unchecked(() -> rewrittenHistoryFails(n, seed, pick)));
  }

  private static void rewrittenHistoryFails(int n, long seed, int pick) throws IOException {
    long m = 1 + pick % (n - 1);
    long rewritten = pick % m;
    MerkleLog honest = log(n, seed);
    MerkleLog forged = MerkleLog.over(new InMemoryLogStore());
    for (long i = 0; i < n; i++) {
      byte[] e = honest.entry(i);
      forged.append(i == rewritten ? ("rewritten " + i).getBytes(StandardCharsets.UTF_8) : e);
    }
    // The forger proves its own tree extends what the monitor saw at size m: it cannot.
    ConsistencyProof p = forged.consistencyProof(m, n);
    assertFalse(p.verify(honest.root(m), forged.root()));
    ConsistencyProof real = honest.consistencyProof(m, n);
    assertFalse(real.verify(honest.root(m), forged.root()));
    assertTrue(real.verify(honest.root(m), honest.root()));
    List<byte[]> hs = new ArrayList<>(real.hashes());
    if (!hs.isEmpty()) {
      byte[] f = hs.get(pick % hs.size()).clone();
      f[pick % 32] ^= 0x40;
      hs.set(pick % hs.size(), f);
      assertFalse(new ConsistencyProof(m, n, hs).verify(honest.root(m), honest.root()));
    }
  }
}
