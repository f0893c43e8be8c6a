package dev.telltale.detect;

import java.util.Arrays;

/**
 * Which context digests of a long scoring pass already occurred at an earlier position of the same
 * pass (vLLM's detection dedup), found without a set the size of the pass: the digests are first
 * grouped by the top bits of their hash (a counting sort, which keeps each group in position
 * order), then each group goes through one small set that stays in the cache. Equal digests fall in
 * the same group, so a digest is marked repeated exactly where a set filled in position order says
 * so.
 *
 * <p>Why: a pass of a million tokens read a 16 MB set of contexts and the 16 MB tape at random
 * positions, two cache and TLB misses per token, which cost more than the PRF. Here every array is
 * read or written in order, or is small. Reusable scratch; not thread-safe.
 */
final class RepeatedContexts {
  // Digests per group, on average: its set (twice as many slots) stays in the L1 and L2 caches.
  private static final int GROUP = 2048;
  private static final long MIX = 0x9E3779B97F4A7C15L;

  private int[] start = new int[0];
  private long[] set = new long[0];

  /**
   * Sets bit {@code i} of {@code repeated} (bit {@code i & 63} of word {@code i >>> 6}) for every
   * {@code i < n} such that {@code digests[j] == digests[i]} for some {@code j < i}, and clears the
   * others. {@code position} and {@code grouped} are scratch of length {@code n} at least.
   */
  void mark(long[] digests, int n, long[] repeated, int[] position, long[] grouped) {
    Arrays.fill(repeated, 0, (n + 63) >>> 6, 0L);
    int bits = Math.max(0, 32 - Integer.numberOfLeadingZeros(Math.max(1, n / GROUP) - 1));
    int groups = 1 << bits;
    if (start.length < groups + 1) {
      start = new int[groups + 1];
    }
    Arrays.fill(start, 0, groups + 1, 0);
    for (int i = 0; i < n; i++) {
      start[group(digests[i], bits) + 1]++;
    }
    int largest = 0;
    for (int g = 0; g < groups; g++) {
      largest = Math.max(largest, start[g + 1]);
      start[g + 1] += start[g];
    }
    // start[g] runs ahead as group g fills; afterwards group g is [start[g-1], start[g])
    for (int i = 0; i < n; i++) {
      long d = digests[i];
      int at = start[group(d, bits)]++;
      position[at] = i;
      grouped[at] = d;
    }
    int capacity = Integer.highestOneBit(Math.max(8, 2 * largest) - 1) << 1;
    if (set.length < capacity) {
      set = new long[capacity];
    }
    long[] t = set;
    boolean zero = false;
    for (int g = 0, from = 0; g < groups; g++) {
      int to = start[g];
      int mask = (Integer.highestOneBit(Math.max(8, 2 * (to - from)) - 1) << 1) - 1;
      Arrays.fill(t, 0, mask + 1, 0L);
      for (int k = from; k < to; k++) {
        long d = grouped[k];
        boolean seen;
        if (d == 0) {
          // zero marks an empty slot; the digest 0 (all in group 0) is remembered apart
          seen = zero;
          zero = true;
        } else {
          seen = false;
          long h = d * MIX;
          int s = (int) (h ^ (h >>> 32)) & mask;
          while (true) {
            long cur = t[s];
            if (cur == 0) {
              t[s] = d;
              break;
            }
            if (cur == d) {
              seen = true;
              break;
            }
            s = (s + 1) & mask;
          }
        }
        if (seen) {
          int i = position[k];
          repeated[i >>> 6] |= 1L << i;
        }
      }
      from = to;
    }
  }

  private static int group(long digest, int bits) {
    return bits == 0 ? 0 : (int) ((digest * MIX) >>> (64 - bits));
  }
}
