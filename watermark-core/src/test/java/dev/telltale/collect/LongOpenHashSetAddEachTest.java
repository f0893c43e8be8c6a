package dev.telltale.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link LongOpenHashSet#addEach} answers as {@link LongOpenHashSet#add} value by value, grouped
 * (forced on small tables here) or not: over random values with many repeats and zeros, on a set
 * that already holds some of them, and when the additions would make the table grow (in order
 * then). Afterwards both sets hold the same values.
 */
class LongOpenHashSetAddEachTest {
  @Test
  void answersAsAddInOrder() {
    qt().withFixedSeed(0xADD_E4C8L)
        .withExamples(400)
        .forAll(longs().all(), integers().between(0, 5000), integers().between(0, 3))
        .checkAssert(this::sameAnswers);
  }

  private void sameAnswers(long seed, int n, int shape) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int distinct = 1 + rnd.nextInt(Math.max(1, n));
    long[] pool = new long[distinct];
    for (int i = 0; i < distinct; i++) {
      pool[i] = (i % 50) == 3 ? 0 : rnd.nextLong();
    }
    long[] values = new long[n];
    for (int i = 0; i < n; i++) {
      values[i] = pool[rnd.nextInt(distinct)];
    }
    // shape 0: presized (grouped); 1: already holds part of the pool; 2: may grow (in order);
    // 3: presized, grouped only from a table larger than this one (in order)
    int expected = shape == 2 ? 1 + rnd.nextInt(64) : 2 * n + 16;
    LongOpenHashSet reference = new LongOpenHashSet(expected);
    LongOpenHashSet grouped = new LongOpenHashSet(expected);
    if (shape == 1) {
      for (int i = 0; i < distinct / 2; i++) {
        long v = pool[rnd.nextInt(distinct)];
        reference.add(v);
        grouped.add(v);
      }
    }
    long[] added = new long[(n + 63) >>> 6];
    java.util.Arrays.fill(added, -1L); // stale bits of an earlier call
    grouped.addEach(values, n, added, new int[n], new long[n], shape == 3 ? 1 << 30 : 0);
    for (int i = 0; i < n; i++) {
      assertEquals(reference.add(values[i]), (added[i >>> 6] & (1L << i)) != 0, "value " + i);
    }
    assertEquals(reference.size(), grouped.size());
    for (long v : pool) {
      assertEquals(reference.contains(v), grouped.contains(v));
    }
  }
}
