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
  private int[] regionStart = new int[0]; // addEach's counting sort
  private long sweep; // keeps addEach's reads ahead

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

  // addEach groups its values by region of the table once the table passes this many slots (2 MB;
  // a smaller one stays in the caches, where the order of the reads does not matter)
  private static final int GROUPED_FROM_SLOTS = 1 << 18;
  // slots per region: 64 KB, whose lines and pages a group's additions share
  private static final int REGION_BITS = 13;

  /**
   * {@link #add} of {@code values[0 .. n)} in order: bit {@code i} of {@code added} (bit {@code i &
   * 63} of word {@code i >>> 6}) is set iff {@code values[i]} was not in the set before. On a table
   * larger than the caches, when the additions cannot make it grow, they are applied grouped by the
   * region of the table their home slot lies in, each group in the order of {@code values}: equal
   * values share a region, so every answer is {@link #add}'s, and the random reads of a large table
   * (a cache and a TLB miss each) become reads within one small region at a time. {@code order} and
   * {@code grouped} are the caller's scratch, of length {@code n} at least.
   */
  public void addEach(long[] values, int n, long[] added, int[] order, long[] grouped) {
    addEach(values, n, added, order, grouped, GROUPED_FROM_SLOTS);
  }

  // addEach, grouping from a table of groupedFromSlots slots (tests group small tables)
  void addEach(
      long[] values, int n, long[] added, int[] order, long[] grouped, int groupedFromSlots) {
    Arrays.fill(added, 0, (n + 63) >>> 6, 0L);
    int regionBits = Math.min(REGION_BITS, Integer.numberOfTrailingZeros(table.length) - 1);
    if (table.length < groupedFromSlots || size + n > (int) (table.length * LOAD)) {
      for (int i = 0; i < n; i++) {
        if (add(values[i])) {
          added[i >>> 6] |= 1L << i;
        }
      }
      return;
    }
    int regions = table.length >>> regionBits;
    if (regionStart.length < regions + 1) {
      regionStart = new int[regions + 1];
    }
    int[] start = regionStart;
    Arrays.fill(start, 0, regions + 1, 0);
    for (int i = 0; i < n; i++) {
      start[(slot(values[i]) >>> regionBits) + 1]++;
    }
    for (int r = 0; r < regions; r++) {
      start[r + 1] += start[r];
    }
    for (int i = 0; i < n; i++) {
      long v = values[i];
      int at = start[slot(v) >>> regionBits]++;
      order[at] = i;
      grouped[at] = v;
    }
    long[] t = table;
    long sweep = 0;
    for (int r = 0, k = 0; r < regions; r++) {
      int end = start[r];
      if (end - k > (1 << regionBits) >>> 4) {
        // read the region in order first: the prefetchers stream it into the cache, where the
        // random reads below then hit, rather than each missing on its own
        for (int s = r << regionBits, e = (r + 1) << regionBits; s < e; s += 8) {
          sweep ^= t[s];
        }
      }
      for (; k < end; k++) {
        // no growth: size + n fits the load above
        if (add(grouped[k])) {
          int i = order[k];
          added[i >>> 6] |= 1L << i;
        }
      }
    }
    this.sweep ^= sweep;
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
