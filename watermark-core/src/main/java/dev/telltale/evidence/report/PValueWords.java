package dev.telltale.evidence.report;

import java.util.Locale;

/**
 * A p-value in plain words for a reader who is not a statistician: "below 1 in 10^23" for tiny
 * values (from {@code log10 p}, exact below the double floor), "about 1 in 1,200" for moderate
 * ones, and a plain statement that the score is unremarkable near 1. Powers of ten are written
 * {@code 10^N}; the HTML shows them as superscripts.
 */
public final class PValueWords {
  private PValueWords() {}

  /**
   * The chance in words, to follow "the chance that … scores this high is ".
   *
   * @param p the p-value (may be floored at 1e-300)
   * @param log10p its base-10 logarithm (exact even where {@code p} is floored)
   */
  public static String chance(double p, double log10p) {
    if (Double.isNaN(log10p) || log10p > 0) {
      throw new IllegalArgumentException("not a log10 p-value: " + log10p);
    }
    if (log10p <= -4) {
      long k = (long) Math.floor(-log10p);
      return "below 1 in 10^" + k;
    }
    double q = Math.pow(10, log10p);
    if (q >= 0.5) {
      return q >= 0.995 ? "practically certain" : "about " + percent(q);
    }
    return "about 1 in " + String.format(Locale.ROOT, "%,d", roundTwoDigits(1 / q));
  }

  /** The p-value itself in scientific form: {@code 3.2 × 10^-24}, or {@code 0.0123}, or 1. */
  public static String scientific(double log10p) {
    if (log10p >= -3) {
      double q = Math.pow(10, log10p);
      return q >= 0.9995 ? "1" : String.format(Locale.ROOT, "%.3g", q);
    }
    double e = Math.floor(log10p);
    double mantissa = Math.pow(10, log10p - e);
    if (mantissa >= 9.95) {
      mantissa = 1;
      e += 1;
    }
    return String.format(Locale.ROOT, "%.1f \u00d7 10^%d", mantissa, (long) e);
  }

  /** Whether the p-value is small enough to call the finding significant at {@code alpha}. */
  public static boolean significant(double log10p, double alpha) {
    return log10p <= Math.log10(alpha);
  }

  private static String percent(double q) {
    return String.format(Locale.ROOT, "%.0f%%", 100 * q);
  }

  /** 1/p to two significant digits, so "1 in 1,234.5" reads "1 in 1,200". */
  private static long roundTwoDigits(double v) {
    if (v < 100) {
      return Math.round(v);
    }
    double scale = Math.pow(10, Math.floor(Math.log10(v)) - 1);
    return Math.round(Math.round(v / scale) * scale);
  }
}
