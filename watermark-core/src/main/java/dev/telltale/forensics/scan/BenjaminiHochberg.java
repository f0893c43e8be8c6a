package dev.telltale.forensics.scan;

import java.util.Arrays;

/**
 * The Benjamini–Hochberg step-up rule on a primitive array of log10 p-values, so that a scan of
 * millions of documents keeps one double per document rather than an object each.
 */
public final class BenjaminiHochberg {
  private BenjaminiHochberg() {}

  /**
   * The largest log10 p-value rejected at false discovery rate {@code fdr} among {@code
   * log10p[0..m)}: documents at or below it are the discoveries. Negative infinity when none is.
   */
  public static double threshold(double[] log10p, int m, double fdr) {
    if (m == 0) {
      return Double.NEGATIVE_INFINITY;
    }
    double[] sorted = Arrays.copyOf(log10p, m);
    Arrays.sort(sorted);
    for (int r = m; r >= 1; r--) {
      if (rejects(sorted[r - 1], r, m, fdr)) {
        return sorted[r - 1];
      }
    }
    return Double.NEGATIVE_INFINITY;
  }

  /**
   * Whether the log10 p-value of rank {@code rank} (1-based, ascending) among {@code m} meets the
   * step-up bound: the threshold is the largest such value, so an engine that ranks the p-values
   * itself finds it as the maximum over the ranks that meet it.
   */
  public static boolean rejects(double log10p, long rank, long m, double fdr) {
    // p_(r) <= r / m * fdr, on the log scale so p-values below 1e-300 still compare.
    return log10p <= Math.log10(fdr) + Math.log10(rank) - Math.log10(m) + 1e-12;
  }
}
