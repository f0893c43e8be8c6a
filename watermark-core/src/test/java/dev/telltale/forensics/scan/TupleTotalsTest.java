package dev.telltale.forensics.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.telltale.prf.WatermarkPrf;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Totals of a sorted fingerprint stream: each distinct fingerprint once, in ascending order. */
class TupleTotalsTest {
  /** gamma = 1/4: green when the top 53 bits are below 2^51. */
  private static final long THRESHOLD = 1L << 51;

  private static TupleTotals feed(boolean greenList, long... sortedFingerprints) {
    TupleTotals t = new TupleTotals(greenList, THRESHOLD);
    for (long f : sortedFingerprints) {
      t.accept(f);
    }
    return t;
  }

  @Test
  void repeatsCountOnceAndGreenFollowsTheThresholdByHand() {
    // distinct: MIN, -5, 0, 3, 2^62 - 2048, 2^62, MAX. Top 53 bits (u >>> 11): 2^52, 2^53 - 1, 0,
    // 0, 2^51 - 1, 2^51, 2^52 - 1; below 2^51 (green): 0, 3 and 2^62 - 2048, so three.
    long[] f = {
      Long.MIN_VALUE, -5, -5, 0, 0, 3, 3, 3, (1L << 62) - 2048, 1L << 62, 1L << 62, Long.MAX_VALUE
    };
    TupleTotals t = feed(true, f);
    assertEquals(7, t.distinct());
    assertEquals(3, t.green());
    assertEquals(0.0, t.sum());
    // a Gumbel key sums the scores of the seven distinct fingerprints, in ascending order
    TupleTotals g = feed(false, f);
    double expected = 0;
    for (long u :
        new long[] {Long.MIN_VALUE, -5, 0, 3, (1L << 62) - 2048, 1L << 62, Long.MAX_VALUE}) {
      expected += WatermarkPrf.gumbelScore(u);
    }
    assertEquals(7, g.distinct());
    assertEquals(0, g.green());
    assertEquals(expected, g.sum());
  }

  @Test
  void zeroAsTheFirstFingerprintIsCounted() {
    // the "previous fingerprint" starts at zero: a first zero must not be taken for a repeat
    TupleTotals t = feed(true, 0, 0, 1);
    assertEquals(2, t.distinct());
    assertEquals(2, t.green());
    assertEquals(0, new TupleTotals(true, THRESHOLD).distinct());
  }

  @Test
  void partitionTotalsAddUp() {
    TupleTotals a = TupleTotals.of(false, THRESHOLD, 3, 0, 1.5);
    TupleTotals b = TupleTotals.of(false, THRESHOLD, 4, 0, 2.25);
    TupleTotals sum = a.plus(b);
    assertEquals(7, sum.distinct());
    assertEquals(3.75, sum.sum());
    TupleTotals green = TupleTotals.of(true, THRESHOLD, 10, 4, 0).plus(feed(true, -1L, 1, 2));
    assertEquals(13, green.distinct());
    assertEquals(6, green.green());
    // plus is a new value: the operands are unchanged
    assertEquals(3, a.distinct());
  }

  @Test
  void fingerprintsOutOfOrderTripTheAssertion() {
    assumeTrue(TupleTotals.class.desiredAssertionStatus(), "needs -ea");
    TupleTotals t = feed(true, 5);
    assertThrows(AssertionError.class, () -> t.accept(4));
  }

  @Test
  void totalsEqualTheDistinctSetAndPartitionsAddUpToTheWhole() {
    qt().withFixedSeed(0x7077_0001L)
        .withExamples(200)
        .forAll(
            integers().between(0, 3000), longs().all(), booleans().all(), integers().between(1, 8))
        .checkAssert(
            (n, seed, greenList, parts) -> {
              SplittableRandom r = new SplittableRandom(seed);
              long[] f = new long[n];
              for (int i = 0; i < n; i++) {
                // a small range makes repeats common, the full range covers the sign boundary
                f[i] = r.nextBoolean() ? r.nextLong(-50, 50) : r.nextLong();
              }
              Arrays.sort(f);
              TreeSet<Long> distinct = new TreeSet<>();
              for (long x : f) {
                distinct.add(x);
              }
              long green = distinct.stream().filter(u -> (u >>> 11) < THRESHOLD).count();
              double sum = 0;
              for (long u : distinct) {
                sum += WatermarkPrf.gumbelScore(u);
              }
              TupleTotals whole = feed(greenList, f);
              assertEquals(distinct.size(), whole.distinct());
              assertEquals(greenList ? green : 0, whole.green());
              assertEquals(greenList ? 0.0 : sum, whole.sum());

              // partitions by fingerprint range (a value never spans two), added in index order
              List<Long> cuts = new ArrayList<>(distinct);
              TupleTotals added = null;
              int from = 0;
              for (int p = 0; p < parts; p++) {
                int to =
                    p == parts - 1
                        ? n
                        : firstIndexAtLeast(
                            f, cuts.isEmpty() ? 0 : cuts.get(cuts.size() * (p + 1) / parts));
                to = Math.max(to, from);
                TupleTotals part = feed(greenList, Arrays.copyOfRange(f, from, to));
                added = added == null ? part : added.plus(part);
                from = to;
              }
              assertEquals(whole.distinct(), added.distinct());
              assertEquals(whole.green(), added.green());
              assertEquals(whole.sum(), added.sum(), 1e-9 * Math.max(1, whole.sum()));
            });
  }

  private static int firstIndexAtLeast(long[] sorted, long v) {
    int i = 0;
    while (i < sorted.length && sorted[i] < v) {
      i++;
    }
    return i;
  }
}
