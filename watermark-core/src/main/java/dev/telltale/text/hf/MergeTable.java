package dev.telltale.text.hf;

import java.util.Arrays;

/**
 * BPE merge rules as an open-addressing map from a pair of token ids to (rank, merged id), both
 * packed in one {@code long}: no boxing on the merge loop.
 */
final class MergeTable {
  private static final long EMPTY = -1L;

  private final long[] keys;
  private final long[] values;
  private final int mask;
  private int size;

  MergeTable(int expected) {
    int capacity = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
    keys = new long[capacity];
    values = new long[capacity];
    Arrays.fill(keys, EMPTY);
    mask = capacity - 1;
  }

  private static long key(int left, int right) {
    return ((long) left << 32) | (right & 0xFFFFFFFFL);
  }

  private static int slot(long key, int mask) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 29)) & mask;
  }

  /**
   * Records that {@code left right} merges to {@code merged} with {@code rank}; a later put wins.
   */
  void put(int left, int right, int rank, int merged) {
    long k = key(left, right);
    int i = slot(k, mask);
    while (keys[i] != EMPTY && keys[i] != k) {
      i = (i + 1) & mask;
    }
    if (keys[i] == EMPTY) {
      if (++size * 2 > keys.length) {
        throw new IllegalStateException("merge table over capacity");
      }
      keys[i] = k;
    }
    values[i] = ((long) rank << 32) | (merged & 0xFFFFFFFFL);
  }

  /** The packed (rank, merged id) of the pair, or {@code -1} if the pair never merges. */
  long get(int left, int right) {
    long k = key(left, right);
    int i = slot(k, mask);
    while (true) {
      long found = keys[i];
      if (found == k) {
        return values[i];
      }
      if (found == EMPTY) {
        return -1L;
      }
      i = (i + 1) & mask;
    }
  }

  static int rank(long packed) {
    return (int) (packed >>> 32);
  }

  static int merged(long packed) {
    return (int) packed;
  }
}
