package dev.telltale.evidence.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.stats.Tails;
import org.junit.jupiter.api.Test;

class ShareIntervalsTest {
  @Test
  void clopperPearsonMatchesTheExactInterval() {
    // R: binom.test(26, 100)$conf.int = 0.1773944 0.3573121
    assertArrayEquals(
        new double[] {0.1773944, 0.3573121}, ShareIntervals.clopperPearson(26, 100), 1e-6);
    // Edges: no successes gives a lower bound of 0, all successes an upper bound of 1.
    assertEquals(0.0, ShareIntervals.clopperPearson(0, 50)[0]);
    assertEquals(1.0, ShareIntervals.clopperPearson(50, 50)[1]);
    // Each bound is where the binomial tail on its side is 2.5%.
    double[] ci = ShareIntervals.clopperPearson(300, 1000);
    assertEquals(0.025, Tails.binomialUpper(1000, 300, ci[0]).pValue(), 1e-6);
    assertEquals(0.025, 1 - Tails.binomialUpper(1000, 301, ci[1]).pValue(), 1e-6);
  }

  @Test
  void nullBandsHoldNinetyFivePercent() {
    double[] b = ShareIntervals.binomialNullBand(1000, 0.25);
    assertTrue(b[0] < 0.25 && b[1] > 0.25);
    // At least 2.5% of the null mass lies at or above the upper quantile, at most 2.5% above it.
    assertTrue(Tails.binomialUpper(1000, Math.round(b[1] * 1000), 0.25).pValue() >= 0.025);
    assertTrue(Tails.binomialUpper(1000, Math.round(b[1] * 1000) + 1, 0.25).pValue() <= 0.025);
    double[] g = ShareIntervals.gammaNullBand(400);
    assertEquals(0.025, Tails.gammaUpper(400, g[1] * 400).pValue(), 1e-9);
    assertEquals(0.975, Tails.gammaUpper(400, g[0] * 400).pValue(), 1e-9);
  }
}
