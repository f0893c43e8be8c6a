package dev.telltale.testdata.attack;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a rival learns of a green-list key from watermarked outputs alone (watermark stealing): for
 * each context of {@code h} tokens, how much more often a token follows it in watermarked outputs
 * than in plain text of the same model. Tokens with a clearly higher rate are estimated green.
 *
 * <p>The attacker here is strong: it knows the context width and has plain outputs of the very
 * teacher, so the figures it yields bound what a real rival achieves.
 */
public final class GreenListEstimate {
  private final int h;
  private final Map<Long, Map<Integer, Integer>> marked = new HashMap<>();
  private final Map<Long, Integer> markedTotals = new HashMap<>();
  private final Map<Long, Map<Integer, Integer>> plain = new HashMap<>();
  private final Map<Long, Integer> plainTotals = new HashMap<>();
  private final int minCount;
  private final double minRatio;

  private GreenListEstimate(int h, int minCount, double minRatio) {
    this.h = h;
    this.minCount = minCount;
    this.minRatio = minRatio;
  }

  /**
   * Learns from token ids of watermarked and plain outputs; a token is estimated green in a context
   * when it follows it at least {@code minCount} times in watermarked outputs at a rate at least
   * {@code minRatio} times its plain rate (add-one smoothed).
   */
  public static GreenListEstimate learn(
      List<int[]> watermarked, List<int[]> plainOutputs, int h, int minCount, double minRatio) {
    if (h < 1 || h > 3) {
      throw new IllegalArgumentException("context width must be in 1..3, got " + h);
    }
    GreenListEstimate e = new GreenListEstimate(h, minCount, minRatio);
    for (int[] ids : watermarked) {
      e.count(ids, e.marked, e.markedTotals);
    }
    for (int[] ids : plainOutputs) {
      e.count(ids, e.plain, e.plainTotals);
    }
    return e;
  }

  private void count(int[] ids, Map<Long, Map<Integer, Integer>> m, Map<Long, Integer> totals) {
    for (int i = h; i < ids.length; i++) {
      long c = context(ids, i);
      m.computeIfAbsent(c, x -> new HashMap<>()).merge(ids[i], 1, Integer::sum);
      totals.merge(c, 1, Integer::sum);
    }
  }

  public int contextWidth() {
    return h;
  }

  /** The context key of position {@code i} (the {@code h} tokens before it). */
  public long context(int[] ids, int i) {
    long c = 0;
    for (int j = i - h; j < i; j++) {
      c = c * 200_003L + ids[j];
    }
    return c;
  }

  /** Smoothed watermarked-over-plain rate ratio of {@code token} after context {@code c}. */
  public double ratio(long c, int token) {
    Map<Integer, Integer> m = marked.get(c);
    int cw = m == null ? 0 : m.getOrDefault(token, 0);
    Map<Integer, Integer> p = plain.get(c);
    int cp = p == null ? 0 : p.getOrDefault(token, 0);
    int nw = markedTotals.getOrDefault(c, 0);
    int np = plainTotals.getOrDefault(c, 0);
    return ((cw + 1.0) / (nw + 2.0)) / ((cp + 1.0) / (np + 2.0));
  }

  /** Whether {@code token} is estimated green after context {@code c}. */
  public boolean likelyGreen(long c, int token) {
    Map<Integer, Integer> m = marked.get(c);
    int cw = m == null ? 0 : m.getOrDefault(token, 0);
    return cw >= minCount && ratio(c, token) >= minRatio;
  }

  /** Tokens seen after context {@code c} in watermarked outputs (empty if none). */
  public Map<Integer, Integer> seenAfter(long c) {
    Map<Integer, Integer> m = marked.get(c);
    return m == null ? Map.of() : m;
  }

  /** Number of distinct contexts seen in watermarked outputs. */
  public int contexts() {
    return marked.size();
  }
}
