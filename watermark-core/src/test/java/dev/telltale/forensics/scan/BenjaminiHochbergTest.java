package dev.telltale.forensics.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The Benjamini–Hochberg step-up rule against textbook examples and a direct count. */
class BenjaminiHochbergTest {
  /**
   * The 15 p-values of Benjamini and Hochberg (1995), section 4.1 (a study of myocardial infarction
   * treatment), in the paper's ascending order.
   */
  static final double[] BH_1995 = {
    0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240, 0.4262, 0.5719,
    0.6528, 0.7590, 1.0000
  };

  private static double[] log10(double[] p) {
    return Arrays.stream(p).map(Math::log10).toArray();
  }

  private static int rejections(double[] p, double fdr) {
    double t = BenjaminiHochberg.threshold(log10(p), p.length, fdr);
    return (int) Arrays.stream(log10(p)).filter(x -> x <= t).count();
  }

  @Test
  void theTextbookExampleRejectsFourAtFivePercent() {
    // At q = 0.05 the paper rejects the four smallest: p(4) = 0.0095 <= 4/15 * 0.05 = 0.0133,
    // while p(5) = 0.0201 > 0.0167 and no larger rank meets its bound (Bonferroni would reject
    // only three: 0.0095 > 0.05/15).
    double t = BenjaminiHochberg.threshold(log10(BH_1995), BH_1995.length, 0.05);
    assertEquals(Math.log10(0.0095), t, 1e-12);
    assertEquals(4, rejections(BH_1995, 0.05));
    // the order of the input does not matter
    double[] shuffled = BH_1995.clone();
    SplittableRandom r = new SplittableRandom(1995);
    for (int i = shuffled.length - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      double x = shuffled[i];
      shuffled[i] = shuffled[j];
      shuffled[j] = x;
    }
    assertEquals(t, BenjaminiHochberg.threshold(log10(shuffled), shuffled.length, 0.05));
    // the per-rank test that engines ranking the p-values themselves use
    assertTrue(BenjaminiHochberg.rejects(Math.log10(0.0095), 4, 15, 0.05));
    assertFalse(BenjaminiHochberg.rejects(Math.log10(0.0201), 5, 15, 0.05));
    assertFalse(BenjaminiHochberg.rejects(Math.log10(0.0459), 9, 15, 0.05));
  }

  @Test
  void otherLevelsOfTheTextbookExample() {
    // q = 0.01: p(3) = 0.0019 <= 3/15 * 0.01 = 0.002, p(4) = 0.0095 > 0.00267: three
    assertEquals(3, rejections(BH_1995, 0.01));
    // q = 0.10: p(9) = 0.0459 <= 9/15 * 0.1 = 0.06, p(10) = 0.324 > 0.0667: nine
    assertEquals(9, rejections(BH_1995, 0.10));
    // q = 0.0001: p(1) = 0.0001 > 1/15 * 0.0001: none
    assertEquals(0, rejections(BH_1995, 0.0001));
    assertEquals(
        Double.NEGATIVE_INFINITY,
        BenjaminiHochberg.threshold(log10(BH_1995), BH_1995.length, 0.0001));
  }

  @Test
  void theRuleStepsUpPastRanksThatFail() {
    // q = 0.05, m = 4: p(2) = p(3) = 0.04 miss their bounds 0.025 and 0.0375, but p(4) = 0.04
    // meets 0.05, so all four are rejected (a step-down rule would stop at one).
    double[] p = {0.04, 0.01, 0.04, 0.04};
    assertEquals(4, rejections(p, 0.05));
    // a p-value exactly on its bound is rejected: 0.03 = 3/5 * 0.05
    assertEquals(3, rejections(new double[] {0.03, 0.5, 0.02, 0.9, 0.001}, 0.05));
  }

  @Test
  void onlyTheFirstMValuesCountAndTinyPValuesStillCompare() {
    // the rest of the array is scratch space
    double[] buf = {-2, -400, -1, 0, -900, -900};
    assertEquals(-1, BenjaminiHochberg.threshold(buf, 3, 0.5));
    assertEquals(Double.NEGATIVE_INFINITY, BenjaminiHochberg.threshold(buf, 0, 0.5));
    // p-values far below the smallest double (1e-400) are ranked on the log scale
    assertEquals(-400, BenjaminiHochberg.threshold(new double[] {-400, -0.1}, 2, 1e-300));
  }

  @Test
  void thresholdEqualsTheLargestRankMeetingItsBound() {
    qt().withFixedSeed(0xB4_1995L)
        .withExamples(300)
        .forAll(integers().between(1, 200), longs().all(), doubles().between(0.001, 0.5))
        .checkAssert(
            (m, seed, fdr) -> {
              SplittableRandom r = new SplittableRandom(seed);
              double[] p = new double[m];
              for (int i = 0; i < m; i++) {
                // a mixture of nulls and signals, with ties
                p[i] =
                    r.nextInt(3) == 0
                        ? Math.pow(10, -r.nextDouble() * 6)
                        : r.nextInt(20) == 0 ? 0.5 : r.nextDouble();
              }
              double[] sorted = p.clone();
              Arrays.sort(sorted);
              int k = 0;
              for (int i = 1; i <= m; i++) {
                if (sorted[i - 1] <= (double) i / m * fdr * (1 + 1e-12)) {
                  k = i;
                }
              }
              double t = BenjaminiHochberg.threshold(log10(p), m, fdr);
              long rejected = Arrays.stream(log10(p)).filter(x -> x <= t).count();
              assertEquals(k, rejected, Arrays.toString(sorted));
            });
  }
}
