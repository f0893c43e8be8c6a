package dev.telltale.embed;

import java.util.Arrays;

/**
 * Open-addressing map from a 64-bit context fingerprint to the last position it occurred at; no
 * boxing, growth by doubling (O(log n) allocations for n positions).
 */
final class ContextPositions {
  private long[] keys;
  private int[] values;
  private boolean[] used;
  private int mask;
  private int size;

  ContextPositions(int expected) {
    int cap = Integer.highestOneBit(Math.max(16, expected * 2) - 1) << 1;
    keys = new long[cap];
    values = new int[cap];
    used = new boolean[cap];
    mask = cap - 1;
  }

  /** The last position of {@code key}, or -1. */
  int get(long key) {
    int i = slot(key);
    while (used[i]) {
      if (keys[i] == key) {
        return values[i];
      }
      i = (i + 1) & mask;
    }
    return -1;
  }

  void put(long key, int position) {
    int i = slot(key);
    while (used[i]) {
      if (keys[i] == key) {
        values[i] = position;
        return;
      }
      i = (i + 1) & mask;
    }
    used[i] = true;
    keys[i] = key;
    values[i] = position;
    if (++size * 2 > keys.length) {
      grow();
    }
  }

  private int slot(long key) {
    long z = key * 0x9E3779B97F4A7C15L;
    return (int) (z >>> 40) & mask;
  }

  private void grow() {
    long[] k = keys;
    int[] v = values;
    boolean[] u = used;
    int cap = k.length * 2;
    keys = new long[cap];
    values = new int[cap];
    used = new boolean[cap];
    mask = cap - 1;
    size = 0;
    for (int i = 0; i < k.length; i++) {
      if (u[i]) {
        put(k[i], v[i]);
      }
    }
  }

  void clear() {
    Arrays.fill(used, false);
    size = 0;
  }
}
