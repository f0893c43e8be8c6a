package dev.telltale.embed;

import dev.telltale.prf.WatermarkPrf;
import dev.telltale.scheme.PrfVersion;

/**
 * Telltale's Gumbel-max choice without a logarithm for candidates that cannot win. The choice is
 * the index maximising {@code V_i = a_i - ln(-ln r_i)}, {@code a_i = (l_i - lmax) / T} (float
 * difference, double product), {@code r_i} the uniform of {@code WatermarkPrf.bits(seed, v_i)};
 * ties go to the first index of the largest logit, then to the lowest index. {@code
 * GumbelArgmaxTest} checks against a straightforward loop that the index is the same for every
 * input.
 *
 * <p>With {@code y = 1 - r = w / 2^54} ({@code w} odd, {@code 1 <= w < 2^54}) the noise obeys
 * {@code -ln y + ln(1 - y) <= G = -ln(-ln r) <= -ln y}, and {@code -ln y} is bounded from the bits
 * of {@code (double) w} alone (the exponent plus the mantissa is a chord of {@code log2} on each
 * octave, below it by at most 0.0597 nats): so each candidate costs its PRF bits and a few
 * arithmetic operations. The first largest logit's exact value is the first lower bound; candidates
 * whose upper bound reaches the best lower bound so far are listed; after the pass, only those
 * still reaching the final bound pay the two logarithms (one or two per step in practice). Bounds
 * carry a margin {@code EPS (1 + |a|)} above every rounding error of the bounds and of {@code V}
 * itself. Not thread-safe; one per session; allocates nothing after construction.
 */
final class GumbelArgmax {
  private static final double LN2 = Math.log(2);

  /** {@code ln 2 / 2^52}: scales the raw bits of a double to nats. */
  private static final double NATS_PER_BIT = LN2 / 0x1p52;

  /** {@code -ln y <= UPPER - NATS_PER_BIT * bits((double) w)}: 54 + 1023 (exponent bias). */
  private static final double UPPER = 1077 * LN2;

  /** Largest gap between ln and the chord of each octave: {@code ln 2 - 1 - ln ln 2}. */
  private static final double CHORD_GAP = 0.0597;

  /** Above every rounding error of the bounds and of V (about 1e-13 (1 + |a|)). */
  private static final double EPS = 1e-9;

  private static final int LIST = 32;

  private final PrfVersion version;
  private final int[] listed = new int[LIST];
  private final double[] upper = new double[LIST];

  /** An argmax over the token bits of PRF {@code version} (the session's key's). */
  GumbelArgmax(PrfVersion version) {
    this.version = version;
  }

  /** The argmax over {@code logits[0..n)}; token ids from {@code candidates} (or the index). */
  int argmax(float[] logits, int[] candidates, int n, double invT, long seed) {
    float lmax = max(logits, n);
    if (lmax == Float.NEGATIVE_INFINITY) {
      throw new IllegalArgumentException("every candidate logit is negative infinity");
    }
    if (lmax == Float.POSITIVE_INFINITY || invT == Double.POSITIVE_INFINITY) {
      // every other value is NaN or -inf: the first largest logit wins
      return firstIndexOf(logits, n, lmax);
    }
    final double lowScale = 1 + EPS; // a <= 0: a (1 + EPS) = a - EPS |a|
    final double highScale = 1 - EPS;
    // The first largest logit goes first with its exact value, so that the bound prunes from the
    // start whatever order the stack hands candidates in; it wins every tie.
    int top = firstIndexOf(logits, n, lmax);
    int resolvedIndex = top; // the exact winner among candidates resolved so far
    double resolved = value(logits, candidates, top, lmax, invT, seed);
    double floor = resolved; // a lower bound on the computed V of some candidate
    int count = 0;
    for (int i = 0; i < n; i++) {
      double a = (logits[i] - lmax) * invT;
      long u = WatermarkPrf.bits(version, seed, candidates == null ? i : candidates[i]);
      double bits = Double.doubleToRawLongBits((double) ((~u >>> 10) | 1L));
      double noise = UPPER - NATS_PER_BIT * bits; // >= -ln y >= G
      double high = a * highScale + (noise + EPS);
      if (!(high >= floor) || i == top) {
        continue; // cannot reach a value some candidate certainly has (or a is NaN)
      }
      double y = ((~u >>> 10) | 1L) * 0x1p-54;
      if (y <= 0.5) { // ln(1 - y) >= -2y
        double low = a * lowScale + (noise - CHORD_GAP - EPS) - 2 * y;
        floor = Math.max(floor, low);
      }
      if (count == LIST) {
        count = compact(count, floor);
        if (count == LIST) {
          for (int k = 0; k < count; k++) {
            int j = listed[k];
            double v = value(logits, candidates, j, lmax, invT, seed);
            if (v > resolved) {
              resolved = v;
              resolvedIndex = j;
            }
          }
          floor = Math.max(floor, resolved);
          count = 0;
        }
      }
      listed[count] = i;
      upper[count] = high;
      count++;
    }
    int bestIndex = resolvedIndex;
    double best = resolved;
    for (int k = 0; k < count; k++) {
      if (!(upper[k] >= floor)) {
        continue;
      }
      int j = listed[k];
      double v = value(logits, candidates, j, lmax, invT, seed);
      if (v > best) {
        best = v;
        bestIndex = j;
      }
    }
    return bestIndex;
  }

  private int compact(int count, double floor) {
    int kept = 0;
    for (int k = 0; k < count; k++) {
      if (upper[k] >= floor) {
        listed[kept] = listed[k];
        upper[kept] = upper[k];
        kept++;
      }
    }
    return kept;
  }

  // V_j exactly as the reference computes it.
  private double value(
      float[] logits, int[] candidates, int j, float lmax, double invT, long seed) {
    double a = (logits[j] - lmax) * invT;
    long u = WatermarkPrf.bits(version, seed, candidates == null ? j : candidates[j]);
    return a - Math.log(WatermarkPrf.negLnUniform(u));
  }

  private static int firstIndexOf(float[] logits, int n, float value) {
    for (int i = 0; i < n; i++) {
      if (logits[i] == value) {
        return i;
      }
    }
    throw new AssertionError("the maximum is one of the logits");
  }

  /** The largest logit (NaN ignored, -inf if there is none), four independent chains. */
  static float max(float[] logits, int n) {
    float m0 = Float.NEGATIVE_INFINITY;
    float m1 = Float.NEGATIVE_INFINITY;
    float m2 = Float.NEGATIVE_INFINITY;
    float m3 = Float.NEGATIVE_INFINITY;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      float l0 = logits[i];
      float l1 = logits[i + 1];
      float l2 = logits[i + 2];
      float l3 = logits[i + 3];
      m0 = l0 > m0 ? l0 : m0;
      m1 = l1 > m1 ? l1 : m1;
      m2 = l2 > m2 ? l2 : m2;
      m3 = l3 > m3 ? l3 : m3;
    }
    for (; i < n; i++) {
      float l = logits[i];
      m0 = l > m0 ? l : m0;
    }
    m0 = m1 > m0 ? m1 : m0;
    m2 = m3 > m2 ? m3 : m2;
    return m2 > m0 ? m2 : m0;
  }
}
