package dev.telltale.forensics;

import java.util.Arrays;

/**
 * The Benjamini–Hochberg step-up rule on a primitive array of log10 p-values, so that a scan of
 * millions of documents keeps one double per document rather than an object each.
 */
final class BenjaminiHochberg {
  private BenjaminiHochberg() {}

  /**
   * The largest log10 p-value rejected at false discovery rate {@code fdr} among {@code
   * log10p[0..m)}: documents at or below it are the discoveries. Negative infinity when none is.
   */
  static double threshold(double[] log10p, int m, double fdr) {
    if (m == 0) {
      return Double.NEGATIVE_INFINITY;
    }
    double[] sorted = Arrays.copyOf(log10p, m);
    Arrays.sort(sorted);
    double logFdr = Math.log10(fdr);
    double logM = Math.log10(m);
    for (int r = m; r >= 1; r--) {
      // p_(r) <= r / m * fdr, on the log scale so p-values below 1e-300 still compare.
      if (sorted[r - 1] <= logFdr + Math.log10(r) - logM + 1e-12) {
        return sorted[r - 1];
      }
    }
    return Double.NEGATIVE_INFINITY;
  }
}
