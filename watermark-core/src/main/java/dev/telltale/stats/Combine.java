package dev.telltale.stats;

import java.util.Arrays;
import java.util.Comparator;

/** Multiple-testing corrections over several p-values, computed on the log scale. */
public final class Combine {
  private Combine() {}

  /** Bonferroni: each p multiplied by the number of tests, capped at one. */
  public static TailProbability[] bonferroni(TailProbability[] p) {
    TailProbability[] out = new TailProbability[p.length];
    for (int i = 0; i < p.length; i++) {
      out[i] = p[i].times(p.length);
    }
    return out;
  }

  /**
   * Holm's step-down adjusted p-values (strong family-wise error control); the smallest adjusted
   * value is the family-wise p of "at least one hypothesis is false".
   */
  public static TailProbability[] holm(TailProbability[] p) {
    int m = p.length;
    Integer[] order = sortedAscending(p);
    TailProbability[] out = new TailProbability[m];
    double running = Double.NEGATIVE_INFINITY;
    for (int r = 0; r < m; r++) {
      int i = order[r];
      double adj = Math.min(0.0, p[i].log10PValue() + Math.log10(m - r));
      running = Math.max(running, adj);
      out[i] = TailProbability.ofLn(running * Math.log(10));
    }
    return out;
  }

  /** Benjamini–Hochberg adjusted p-values (false discovery rate). */
  public static TailProbability[] benjaminiHochberg(TailProbability[] p) {
    int m = p.length;
    Integer[] order = sortedAscending(p);
    TailProbability[] out = new TailProbability[m];
    double running = 0.0;
    for (int r = m - 1; r >= 0; r--) {
      int i = order[r];
      double adj = Math.min(0.0, p[i].log10PValue() + Math.log10((double) m / (r + 1)));
      running = Math.min(running, adj);
      out[i] = TailProbability.ofLn(running * Math.log(10));
    }
    return out;
  }

  private static Integer[] sortedAscending(TailProbability[] p) {
    Integer[] order = new Integer[p.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingDouble(i -> p[i].log10PValue()));
    return order;
  }
}
