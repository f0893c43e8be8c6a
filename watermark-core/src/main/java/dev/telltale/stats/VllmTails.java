package dev.telltale.stats;

import org.hipparchus.special.Erf;
import org.hipparchus.special.Gamma;

/**
 * The p-values of vLLM's watermark detectors, computed as vLLM computes them (so {@code
 * vllm_p_value} matches its goldens), and the exact tail Telltale uses for dual-key Gumbel where
 * vLLM's moment-matched gamma is only an approximation.
 */
public final class VllmTails {
  private static final double LN10 = Math.log(10);

  private VllmTails() {}

  /**
   * vLLM's Gumbel p-value {@code P[Gamma(n, 1) >= s] = e^-s sum_{k<n} s^k / k!}, summed in logs
   * with a running maximum that starts at 0, as vLLM does; 1 when {@code n <= 0} or {@code s <= 0}.
   */
  public static double gumbel(long n, double s) {
    if (n <= 0 || s <= 0) {
      return 1.0;
    }
    double lnS = Math.log(s);
    double term = 0.0; // k = 0
    double max = 0.0;
    double acc = 1.0; // sum of exp(term_k - max)
    for (long k = 1; k < n; k++) {
      term += lnS - Math.log(k);
      if (term > max) {
        acc = acc * Math.exp(max - term) + 1.0;
        max = term;
      } else {
        acc += Math.exp(term - max);
      }
    }
    double logsum = max + Math.log(acc);
    return Math.min(1.0, Math.exp(Math.min(0.0, -s + logsum)));
  }

  /**
   * vLLM's dual-key p-value: with {@code var = (1-a)^2 + a^2}, the integer Gumbel formula with
   * score {@code s / var} and shape {@code round(n / var)} when {@code a} is exactly 0, 0.5 or 1;
   * otherwise the regularized upper incomplete gamma {@code Q(n / var, s / var)}.
   */
  public static double dualKey(long n, double s, double a) {
    double var = (1 - a) * (1 - a) + a * a;
    if (a == 0.0 || a == 0.5 || a == 1.0) {
      return gumbel(Math.round(n / var), s / var);
    }
    if (n <= 0 || s <= 0) {
      return 1.0;
    }
    return Math.min(1.0, Gamma.regularizedGammaQ(n / var, s / var, 1e-16, 1_000_000));
  }

  /**
   * vLLM's SynthID p-value {@code P[Binomial(trials, 1/2) >= hits]} (trials = scored tokens times
   * depth), as vLLM computes it: below the median as one minus the lower tail, otherwise the first
   * term from lgamma and each next one by the ratio of consecutive terms.
   */
  public static double synthId(long hits, long trials) {
    if (hits <= 0) {
      return 1.0;
    }
    if (hits > trials) {
      return 0.0;
    }
    if (hits <= trials / 2) {
      return 1.0 - synthId(trials - hits + 1, trials);
    }
    double logTerm =
        Gamma.logGamma(trials + 1.0)
            - Gamma.logGamma(hits + 1.0)
            - Gamma.logGamma(trials - hits + 1.0)
            - trials * Math.log(2);
    double term = Math.exp(logTerm);
    double total = term;
    for (long count = hits; count < trials; count++) {
      term *= (double) (trials - count) / (count + 1);
      total += term;
    }
    return Math.min(1.0, total);
  }

  /**
   * vLLM's red-green p-value: {@code P[Binomial(n, g) >= k]} summed from k upward in logs with
   * lgamma terms, as vLLM computes it.
   */
  public static double binomialSurvival(long k, long n, double g) {
    if (k <= 0) {
      return 1.0;
    }
    if (k > n) {
      return 0.0;
    }
    double lp = Math.log(g);
    double lq = Math.log1p(-g);
    double lnN = Gamma.logGamma(n + 1.0);
    double max = Double.NEGATIVE_INFINITY;
    double[] terms = new double[(int) (n - k + 1)];
    for (long c = k; c <= n; c++) {
      double t =
          lnN - Gamma.logGamma(c + 1.0) - Gamma.logGamma(n - c + 1.0) + c * lp + (n - c) * lq;
      terms[(int) (c - k)] = t;
      max = Math.max(max, t);
    }
    double sum = 0;
    for (double t : terms) {
      sum += Math.exp(t - max);
    }
    return Math.min(1.0, Math.exp(max + Math.log(sum)));
  }

  /**
   * vLLM's SBW p-value: {@code z = (W - n g) / sqrt(n g (1 - g))}, {@code p = erfc(z / sqrt 2) /
   * 2}.
   */
  public static double sbw(long n, double green, double gamma) {
    if (n <= 0) {
      return 1.0;
    }
    double z = (green - n * gamma) / Math.sqrt(n * gamma * (1 - gamma));
    return 0.5 * Erf.erfc(z / Math.sqrt(2.0));
  }

  /**
   * The exact {@code P[(1-a) X + a Y >= s]} for independent {@code X, Y ~ Gamma(n, 1)}: the null
   * distribution of the dual-key statistic. Whole cases (a in {0, 1/2, 1}) are gamma tails; others
   * integrate one variable out in log space (composite Simpson over the region that carries the
   * mass; see the body).
   */
  public static TailProbability dualKeyExact(long n, double s, double a) {
    if (n <= 0 || !(s > 0)) {
      return TailProbability.ONE;
    }
    if (a == 0.0 || a == 1.0) {
      return Tails.gammaUpper(n, s);
    }
    if (a == 0.5) {
      return Tails.gammaUpper(2 * n, 2 * s);
    }
    double big = Math.max(a, 1 - a);
    double small = Math.min(a, 1 - a);
    // P = P[Y >= s/small] + int_0^{s/small} f_n(y) Q_n((s - small y) / big) dy: integrating over
    // the variable with the small coefficient keeps the integrand smooth (Q moves on a scale of
    // big/small >= 1 in y). The mass sits where the exponentially tilted law that puts the mean
    // of the statistic at s puts Y: Gamma(n, 1/(1 - t small)), t solving
    // n big / (1 - t big) + n small / (1 - t small) = s (t = 0 when s is below the mean).
    double yMax = s / small;
    double lnHead = lnQ(n, yMax);
    double t = 0;
    if (s > n) {
      double lo = 0;
      double hi = 1 / big;
      for (int i = 0; i < 200; i++) {
        double mid = (lo + hi) / 2;
        double mean = n * big / (1 - mid * big) + n * small / (1 - mid * small);
        if (mean < s) {
          lo = mid;
        } else {
          hi = mid;
        }
      }
      t = lo;
    }
    double scale = 1 / (1 - t * small);
    double center = n * scale;
    double sd = Math.sqrt(n) * scale;
    double from = Math.max(0.0, center - 40 * sd - 40 * scale);
    double to = Math.min(yMax, center + 40 * sd + 40 * scale);
    if (from >= to) {
      return TailProbability.ofLn(Math.min(0.0, lnHead));
    }
    int m = 4096;
    double h = (to - from) / m;
    double lnFactN = Gamma.logGamma(n);
    double max = Double.NEGATIVE_INFINITY;
    double[] logs = new double[m + 1];
    for (int j = 0; j <= m; j++) {
      double y = from + j * h;
      double lnF =
          y <= 0 ? (n == 1 ? 0.0 : Double.NEGATIVE_INFINITY) : (n - 1) * Math.log(y) - y - lnFactN;
      double x = (s - small * y) / big;
      double w = (j == 0 || j == m) ? 1.0 : (j % 2 == 1 ? 4.0 : 2.0);
      logs[j] = lnF + lnQ(n, Math.max(0.0, x)) + Math.log(w * h / 3.0);
      max = Math.max(max, logs[j]);
    }
    double acc = 0;
    for (double l : logs) {
      acc += Math.exp(l - max);
    }
    double lnIntegral = max + Math.log(acc);
    double top = Math.max(lnHead, lnIntegral);
    double lnP = top + Math.log(Math.exp(lnHead - top) + Math.exp(lnIntegral - top));
    return TailProbability.ofLn(Math.min(0.0, lnP));
  }

  // ln P[Gamma(n, 1) >= y]
  private static double lnQ(long n, double y) {
    if (!(y > 0)) {
      return 0.0;
    }
    return Tails.gammaUpper(n, y).log10PValue() * LN10;
  }
}
