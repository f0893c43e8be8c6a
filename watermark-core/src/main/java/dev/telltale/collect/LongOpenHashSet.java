package dev.telltale.collect;

import java.util.Arrays;

/**
 * Open-addressing set of {@code long} values with linear probing; no boxing. Growth doubles the
 * table, so adding n values allocates O(log n) times. Zero is stored out of band.
 */
public final class LongOpenHashSet {
  private static final float LOAD = 0.5f;

  private long[] table;
  private int mask;
  private int size;
  private boolean hasZero;

  public LongOpenHashSet(int expected) {
    int cap =
        Integer.highestOneBit(Math.max(16, (int) Math.min(1 << 30, expected / LOAD)) - 1) << 1;
    table = new long[cap];
    mask = cap - 1;
  }

  /** Adds {@code v}; returns true if it was not present. */
  public boolean add(long v) {
    if (v == 0) {
      if (hasZero) {
        return false;
      }
      hasZero = true;
      size++;
      return true;
    }
    int i = slot(v);
    long[] t = table;
    while (true) {
      long cur = t[i];
      if (cur == 0) {
        t[i] = v;
        if (++size > (int) (t.length * LOAD)) {
          grow();
        }
        return true;
      }
      if (cur == v) {
        return false;
      }
      i = (i + 1) & mask;
    }
  }

  /**
   * Reads the home slot of {@code v} and returns it (a value to discard): issued ahead of {@link
   * #add} for a block of values, the reads miss the cache together rather than one by one.
   */
  public long touch(long v) {
    return table[slot(v)];
  }

  public boolean contains(long v) {
    if (v == 0) {
      return hasZero;
    }
    int i = slot(v);
    while (true) {
      long cur = table[i];
      if (cur == 0) {
        return false;
      }
      if (cur == v) {
        return true;
      }
      i = (i + 1) & mask;
    }
  }

  /**
   * Removes {@code v}; returns true if it was present. Deletion shifts the rest of the probe run
   * back, so later lookups stay exact without tombstones. Does not allocate.
   */
  public boolean remove(long v) {
    if (v == 0) {
      if (!hasZero) {
        return false;
      }
      hasZero = false;
      size--;
      return true;
    }
    long[] t = table;
    int i = slot(v);
    while (true) {
      long cur = t[i];
      if (cur == 0) {
        return false;
      }
      if (cur == v) {
        break;
      }
      i = (i + 1) & mask;
    }
    // backward-shift deletion: move up any later entry whose home slot is not in (i, j]
    int gap = i;
    int j = i;
    while (true) {
      j = (j + 1) & mask;
      long cur = t[j];
      if (cur == 0) {
        break;
      }
      int home = slot(cur);
      boolean stays = gap <= j ? (gap < home && home <= j) : (gap < home || home <= j);
      if (!stays) {
        t[gap] = cur;
        gap = j;
      }
    }
    t[gap] = 0;
    size--;
    return true;
  }

  public int size() {
    return size;
  }

  /** Empties the set, keeping its capacity. */
  public void clear() {
    Arrays.fill(table, 0L);
    size = 0;
    hasZero = false;
  }

  private int slot(long v) {
    long h = v * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32)) & mask;
  }

  private void grow() {
    long[] old = table;
    table = new long[old.length << 1];
    mask = table.length - 1;
    for (long v : old) {
      if (v != 0) {
        int i = slot(v);
        while (table[i] != 0) {
          i = (i + 1) & mask;
        }
        table[i] = v;
      }
    }
  }
}
