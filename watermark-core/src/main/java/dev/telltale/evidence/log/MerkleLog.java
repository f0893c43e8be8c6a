package dev.telltale.evidence.log;

import dev.telltale.evidence.EnvelopeSigner;
import java.io.Closeable;
import java.io.IOException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * An append-only Merkle log with RFC 9162 hashing over a {@link LogStore}. Appending computes the
 * leaf hash and the parents it completes (amortized two hashes per entry); roots and proofs read
 * O(log n) stored subtree hashes. Thread-safe: calls are serialized.
 */
public final class MerkleLog implements Closeable {
  private final LogStore store;

  private MerkleLog(LogStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  public static MerkleLog over(LogStore store) {
    return new MerkleLog(store);
  }

  public LogStore store() {
    return store;
  }

  public synchronized long size() throws IOException {
    return store.size();
  }

  /** Appends one entry durably; returns its index. */
  public long append(byte[] entry) throws IOException {
    return appendAll(List.of(entry));
  }

  /** Appends entries with one sync; returns the index of the first. */
  public synchronized long appendAll(List<byte[]> entries) throws IOException {
    long first = store.size();
    Map<Long, byte[]> fresh = new HashMap<>();
    List<LogRecord> records = new ArrayList<>(entries.size());
    for (int k = 0; k < entries.size(); k++) {
      long i = first + k;
      byte[] h = MerkleHash.leaf(entries.get(k));
      List<byte[]> hashes = new ArrayList<>(LogRecord.hashCount(i));
      hashes.add(h);
      long idx = i;
      int level = 0;
      while ((idx & 1) == 1) {
        byte[] left = nodeOf(level, idx - 1, first, fresh);
        h = MerkleHash.node(left, h);
        level++;
        idx >>>= 1;
        hashes.add(h);
      }
      for (int l = 0; l < hashes.size(); l++) {
        // Only right-edge nodes are read again during this batch; keep them by (level, index).
        fresh.put(key(l, i >>> l), hashes.get(l));
      }
      records.add(new LogRecord(entries.get(k), hashes));
    }
    store.append(records);
    return first;
  }

  private byte[] nodeOf(int level, long index, long first, Map<Long, byte[]> fresh)
      throws IOException {
    byte[] h = fresh.get(key(level, index));
    if (h != null) {
      return h;
    }
    // The node's last leaf is before this batch, so the store has it.
    assert ((index + 1) << level) - 1 < first;
    return store.hash(level, index);
  }

  private static long key(int level, long index) {
    return (index << 6) | level;
  }

  public synchronized byte[] entry(long index) throws IOException {
    return store.entry(index);
  }

  public synchronized byte[] leafHash(long index) throws IOException {
    return store.hash(0, index);
  }

  public synchronized byte[] root() throws IOException {
    return MerkleTree.root(store, store.size());
  }

  public synchronized byte[] root(long size) throws IOException {
    checkSize(size);
    return MerkleTree.root(store, size);
  }

  public synchronized InclusionProof inclusionProof(long index, long size) throws IOException {
    checkSize(size);
    return MerkleTree.inclusionProof(store, index, size);
  }

  public synchronized ConsistencyProof consistencyProof(long first, long second)
      throws IOException {
    checkSize(second);
    return MerkleTree.consistencyProof(store, first, second);
  }

  /** Signs and records a tree head over the whole log as it is now. */
  public synchronized SignedTreeHead signTreeHead(EnvelopeSigner signer, Instant time)
      throws IOException {
    long n = store.size();
    SignedTreeHead h = SignedTreeHead.sign(n, MerkleTree.root(store, n), time, signer);
    store.addTreeHead(h);
    return h;
  }

  /** The index of the first entry whose leaf hash is {@code leafHash} (a linear scan). */
  public synchronized OptionalLong find(byte[] leafHash) throws IOException {
    long n = store.size();
    for (long i = 0; i < n; i++) {
      if (MessageDigest.isEqual(store.hash(0, i), leafHash)) {
        return OptionalLong.of(i);
      }
    }
    return OptionalLong.empty();
  }

  private void checkSize(long size) throws IOException {
    long n = store.size();
    if (size < 0 || size > n) {
      throw new IllegalArgumentException("the log has " + n + " entries, not " + size);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    store.close();
  }
}
