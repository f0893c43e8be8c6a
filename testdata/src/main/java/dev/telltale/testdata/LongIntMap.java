package dev.telltale.testdata;

import java.util.Arrays;

/** Open-addressing map from {@code long} keys to non-negative {@code int} values; no boxing. */
final class LongIntMap {
  private long[] keys;
  private int[] values; // value + 1; zero marks an empty slot, so any key (even 0) is allowed
  private int mask;
  private int size;

  LongIntMap(int expected) {
    int cap = Integer.highestOneBit(Math.max(16, expected * 2) - 1) << 1;
    keys = new long[cap];
    values = new int[cap];
    mask = cap - 1;
  }

  /** The value of {@code key}, or -1. */
  int get(long key) {
    int i = slot(key, mask);
    while (true) {
      int v = values[i];
      if (v == 0) {
        return -1;
      }
      if (keys[i] == key) {
        return v - 1;
      }
      i = (i + 1) & mask;
    }
  }

  /** The value of {@code key}, storing {@code value} first if the key is absent. */
  int putIfAbsent(long key, int value) {
    int i = slot(key, mask);
    while (true) {
      int v = values[i];
      if (v == 0) {
        keys[i] = key;
        values[i] = value + 1;
        if (++size * 2 > keys.length) {
          grow();
        }
        return value;
      }
      if (keys[i] == key) {
        return v - 1;
      }
      i = (i + 1) & mask;
    }
  }

  int size() {
    return size;
  }

  private static int slot(long key, int mask) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 29)) & mask;
  }

  private void grow() {
    long[] oldKeys = keys;
    int[] oldValues = values;
    keys = new long[oldKeys.length * 2];
    values = new int[oldKeys.length * 2];
    mask = keys.length - 1;
    for (int j = 0; j < oldKeys.length; j++) {
      if (oldValues[j] != 0) {
        int i = slot(oldKeys[j], mask);
        while (values[i] != 0) {
          i = (i + 1) & mask;
        }
        keys[i] = oldKeys[j];
        values[i] = oldValues[j];
      }
    }
  }

  @Override
  public String toString() {
    return "LongIntMap[size=" + size + ", capacity=" + keys.length + "]";
  }

  static long[] grow(long[] a, int minLength) {
    return minLength <= a.length ? a : Arrays.copyOf(a, Math.max(minLength, a.length * 2));
  }

  static int[] grow(int[] a, int minLength) {
    return minLength <= a.length ? a : Arrays.copyOf(a, Math.max(minLength, a.length * 2));
  }
}
