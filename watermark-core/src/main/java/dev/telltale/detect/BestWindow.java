package dev.telltale.detect;

import dev.telltale.stats.TailProbability;

/**
 * Best-window search for a watermarked passage inside other text. For each window size (in scored
 * tuples) windows start every size/4 tuples; the null distribution of a window depends only on its
 * size, so the highest-scoring window of each size is the most significant one of that size. The
 * winner's p-value is multiplied by the number of windows compared, the whole text included.
 */
final class BestWindow {
  private BestWindow() {}

  static WindowResult search(
      ScoreTrace trace, TailProbability global, DetectionPolicy policy, Detector detector) {
    int n = trace.size();
    double[] prefix = new double[n + 1];
    for (int i = 0; i < n; i++) {
      prefix[i + 1] = prefix[i] + trace.value(i);
    }
    long tested = 1;
    TailProbability best = global;
    int bestStart = 0;
    int bestLen = n;
    for (int size : policy.windowSizes()) {
      if (size >= n) {
        continue;
      }
      int stride = Math.max(1, size / 4);
      double top = Double.NEGATIVE_INFINITY;
      int topStart = 0;
      for (int start = 0; start + size <= n; start += stride) {
        tested++;
        double s = prefix[start + size] - prefix[start];
        if (s > top) {
          top = s;
          topStart = start;
        }
      }
      TailProbability p = detector.tail(size, top);
      if (p.log10PValue() < best.log10PValue()) {
        best = p;
        bestStart = topStart;
        bestLen = size;
      }
    }
    int startToken = n == 0 ? 0 : trace.position(bestStart);
    int endToken = n == 0 ? 0 : trace.position(bestStart + bestLen - 1) + 1;
    return new WindowResult(
        startToken,
        endToken,
        bestLen,
        prefix[bestStart + bestLen] - prefix[bestStart],
        best,
        best.times(tested),
        tested);
  }
}
