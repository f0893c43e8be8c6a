package dev.telltale.stats;

import org.hipparchus.special.Beta;
import org.hipparchus.special.Gamma;

/**
 * Exact upper tails of the detection statistics. The central value comes from Hipparchus'
 * regularized incomplete beta and gamma functions; where that value would lose precision or
 * underflow, the tail is summed term by term in log space, so {@code log10 p} stays exact far below
 * 1e-300.
 */
public final class Tails {
  /** Below this the library value is replaced by the log-space sum. */
  private static final double DIRECT_LIMIT = 1e-250;

  private Tails() {}

  /** P[Binomial(n, q) ≥ k]. */
  public static TailProbability binomialUpper(long n, long k, double q) {
    if (n < 0 || !(q > 0.0 && q < 1.0)) {
      throw new IllegalArgumentException("need n >= 0 and 0 < q < 1, got n=" + n + ", q=" + q);
    }
    if (k <= 0) {
      return TailProbability.ONE;
    }
    if (k > n) {
      throw new IllegalArgumentException("successes " + k + " exceed trials " + n);
    }
    // P[X >= k] = I_q(k, n - k + 1)
    double p;
    try {
      p = Beta.regularizedBeta(q, (double) k, (double) (n - k + 1), 1e-15, 100_000);
    } catch (RuntimeException notConverged) {
      p = Double.NaN;
    }
    if (p >= DIRECT_LIMIT && p <= 1.0) {
      return TailProbability.of(p);
    }
    if (k <= n * q) {
      // At or below the mean the tail is at least about 1/2; only a library failure gets here,
      // and the term sum would climb to the mode. One is the conservative answer.
      return TailProbability.ONE;
    }
    return TailProbability.ofLn(lnBinomialUpperSum(n, k, q));
  }

  /**
   * ln P[Binomial(n, q) ≥ k] by summing pmf terms from k upward. Used when k is far above the mean,
   * where terms shrink geometrically.
   */
  static double lnBinomialUpperSum(long n, long k, double q) {
    double lnq = Math.log(q);
    double ln1q = Math.log1p(-q);
    double lnFirst =
        Gamma.logGamma(n + 1.0)
            - Gamma.logGamma(k + 1.0)
            - Gamma.logGamma(n - k + 1.0)
            + k * lnq
            + (n - k) * ln1q;
    // Sum term ratios t(j+1)/t(j) = (n-j)/(j+1) * q/(1-q) relative to the first term.
    double ratio = q / (1 - q);
    double sum = 1.0;
    double term = 1.0;
    for (long j = k; j < n; j++) {
      term *= (double) (n - j) / (j + 1) * ratio;
      sum += term;
      if (term < sum * 1e-17) {
        break;
      }
    }
    return lnFirst + Math.log(sum);
  }

  /** P[Gamma(shape n, scale 1) ≥ x] for a whole shape n ≥ 1 (a sum of n Exp(1) variables). */
  public static TailProbability gammaUpper(long n, double x) {
    if (n < 1) {
      throw new IllegalArgumentException("shape must be at least 1, got " + n);
    }
    if (!(x > 0)) {
      return TailProbability.ONE;
    }
    double p;
    try {
      p = Gamma.regularizedGammaQ((double) n, x, 1e-15, 100_000);
    } catch (RuntimeException notConverged) {
      p = Double.NaN;
    }
    if (p >= DIRECT_LIMIT && p <= 1.0) {
      return TailProbability.of(p);
    }
    if (x <= n) {
      // As above: at or below the mean only a library failure gets here.
      return TailProbability.ONE;
    }
    return TailProbability.ofLn(lnGammaUpperSum(n, x));
  }

  /**
   * ln Q(n, x) = -x + ln sum_{j<n} x^j / j!, summed downward from j = n - 1, where the terms are
   * largest when x > n.
   */
  static double lnGammaUpperSum(long n, double x) {
    long top = n - 1;
    double lnTop = top * Math.log(x) - Gamma.logGamma(top + 1.0);
    double sum = 1.0;
    double term = 1.0;
    for (long j = top; j > 0; j--) {
      term *= j / x;
      sum += term;
      if (term < sum * 1e-17) {
        break;
      }
    }
    return -x + lnTop + Math.log(sum);
  }

  /** z statistic of k successes in n trials of probability q. */
  public static double binomialZ(long n, long k, double q) {
    return n == 0 ? 0.0 : (k - n * q) / Math.sqrt(n * q * (1 - q));
  }

  /** z statistic of a sum of n Exp(1) variables. */
  public static double gammaZ(long n, double sum) {
    return n == 0 ? 0.0 : (sum - n) / Math.sqrt(n);
  }
}
