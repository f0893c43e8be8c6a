package dev.telltale.stats;

/**
 * A tail probability carried both as a double (floored at {@link #FLOOR}) and as its exact base-10
 * logarithm, which stays meaningful far below the smallest double.
 *
 * @param pValue the probability, at least {@link #FLOOR}
 * @param log10PValue log10 of the unfloored probability, at most 0
 */
public record TailProbability(double pValue, double log10PValue) {
  public static final double FLOOR = 1e-300;
  public static final TailProbability ONE = new TailProbability(1.0, 0.0);

  public TailProbability {
    if (!(log10PValue <= 0.0) || Double.isNaN(pValue)) {
      throw new IllegalArgumentException("not a probability: log10 p = " + log10PValue);
    }
  }

  /** From a natural-log probability. */
  public static TailProbability ofLn(double lnP) {
    double log10 = Math.min(0.0, lnP / Math.log(10));
    return new TailProbability(Math.max(FLOOR, Math.min(1.0, Math.exp(lnP))), log10);
  }

  /** From a probability computed directly as a double (which must not have underflowed). */
  public static TailProbability of(double p) {
    double c = Math.min(1.0, Math.max(0.0, p));
    if (c == 0.0) {
      throw new IllegalArgumentException("probability underflowed; use ofLn");
    }
    return new TailProbability(Math.max(FLOOR, c), Math.min(0.0, Math.log10(c)));
  }

  /** Multiplies by {@code m} (a Bonferroni factor), capped at one. */
  public TailProbability times(double m) {
    return ofLn(Math.min(0.0, log10PValue * Math.log(10) + Math.log(m)));
  }
}
