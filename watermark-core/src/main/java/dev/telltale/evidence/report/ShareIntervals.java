package dev.telltale.evidence.report;

import org.hipparchus.distribution.continuous.BetaDistribution;
import org.hipparchus.distribution.continuous.GammaDistribution;
import org.hipparchus.distribution.discrete.BinomialDistribution;

/**
 * The bands the report draws around a share: the exact (Clopper–Pearson) 95% interval of an
 * observed green share, and the central 95% range of the statistic under the null hypothesis
 * (binomial for green lists, Gamma for Gumbel), both exact rather than normal approximations.
 */
final class ShareIntervals {
  static final double LEVEL = 0.95;
  private static final double TAIL = (1 - LEVEL) / 2;

  private ShareIntervals() {}

  /** Clopper–Pearson interval of {@code k} successes in {@code n} trials. */
  static double[] clopperPearson(long k, long n) {
    if (n <= 0) {
      return new double[] {0, 1};
    }
    double lo =
        k == 0 ? 0 : new BetaDistribution(k, n - k + 1.0).inverseCumulativeProbability(TAIL);
    double hi =
        k == n ? 1 : new BetaDistribution(k + 1.0, n - k).inverseCumulativeProbability(1 - TAIL);
    return new double[] {lo, hi};
  }

  /** Central 95% range of the green share of {@code n} tuples when each is green with {@code q}. */
  static double[] binomialNullBand(long n, double q) {
    if (n <= 0 || n > Integer.MAX_VALUE) {
      return null;
    }
    BinomialDistribution d = new BinomialDistribution((int) n, q);
    return new double[] {
      d.inverseCumulativeProbability(TAIL) / (double) n,
      d.inverseCumulativeProbability(1 - TAIL) / (double) n
    };
  }

  /** Central 95% range of the mean Gumbel score of {@code n} tuples under the null. */
  static double[] gammaNullBand(long n) {
    if (n <= 0) {
      return null;
    }
    GammaDistribution d = new GammaDistribution(n, 1);
    return new double[] {
      d.inverseCumulativeProbability(TAIL) / n, d.inverseCumulativeProbability(1 - TAIL) / n
    };
  }
}
