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
 * itself. This is the loop path (v1 keys, or no {@code jdk.incubator.vector}).
 *
 * <p>The screened path (PRF v2 with the Vector API by default; {@code -Dtelltale.gumbel.kernel})
 * bounds every candidate in floats from the top 32 of its 64 PRF bits alone (which v2 computes in
 * 32-bit lanes): a {@link Kernel} pass writes each upper bound and returns the best lower bound, a
 * second pass lists the candidates whose upper bound reaches it. One listed candidate (most steps)
 * is the winner without a logarithm; otherwise the listed ones are valued exactly. Float bounds
 * carry {@code 1e-3} nats plus {@code 2^-18 |a|}, far above their rounding. {@code
 * GumbelScreenTest} checks both paths and both kernels against the plain loop. Not thread-safe; one
 * per session; allocates nothing per step (the upper-bound scratch, at most 2,048 floats, is made
 * on the first step).
 */
final class GumbelArgmax {
  /**
   * The screening pass of the fast path: upper and lower bounds on every candidate's V from the top
   * 32 bits of its PRF bits, in floats. A scalar loop and (PRF v2, with {@code
   * jdk.incubator.vector}) a Vector API one; both give valid bounds, and the choice made from them
   * is the exact argmax whichever runs.
   */
  interface Kernel {
    /** The largest of {@code logits[0..n)}, NaN ignored, -inf if there is none. */
    float max(float[] logits, int n);

    /**
     * Writes an upper bound on {@code V_i} to {@code high[i - from]} for every {@code from <= i <
     * to} (NaN where the logit is NaN) and returns the largest of their lower bounds (-inf if none
     * is known): the computed V of some candidate is at least that.
     */
    float screen(
        float[] logits,
        int[] candidates,
        int from,
        int to,
        float lmax,
        float invT,
        long seed,
        float[] high);

    /**
     * Appends to the list every {@code i} in {@code from .. to)} with {@code high[i - from] >=
     * floor}, in increasing order, by {@link #collectRange}; returns the new count, or -1 if the
     * list overflows.
     */
    int collect(float[] high, int from, int to, float floor, Listed list, int count);

    String name();

    /** Whether this kernel is expected to beat the loop path on this CPU. */
    boolean profitable();
  }

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

  /** Candidates screened per block on the fast path (the upper-bound scratch's size). */
  private static final int BLOCK = 2048;

  // The fast path's float bounds. With H = (~hi32(u)) >>> 1 (the top 31 bits of 1 - r's
  // numerator), y = 1 - r lies in [H / 2^31, (H + 1) / 2^31); -ln y <= 31 ln 2 - ln H, and for
  // y <= 1/2, G >= -ln y - 2y >= 31 ln 2 - ln(H + 1) - (H + 1) / 2^30. The logarithms are chords:
  // ln x >= F_NATS_PER_BIT * bits((float) x) - 127 ln 2 >= ln x - CHORD_GAP.

  /** {@code ln 2 / 2^23}: scales the raw bits of a float to nats. */
  static final float F_NATS_PER_BIT = (float) (LN2 / 0x1p23);

  /** {@code (31 + 127) ln 2}: 31 bits of H plus the float exponent bias. */
  static final float F_UPPER = (float) (158 * LN2);

  /**
   * Absolute margin of the float bounds: their own rounding is below 1e-4 (values up to 110 nats,
   * float epsilon 6e-8, a few operations); V's rounding is below 1e-13 (1 + |a|).
   */
  static final float F_MARGIN = 1e-3f;

  /** {@code 1 -/+ 2^-18}: relative margin on {@code a}, above float a's error (3 * 2^-24). */
  static final float HIGH_SCALE = 1 - 0x1p-18f;

  static final float LOW_SCALE = 1 + 0x1p-18f;

  /** The upper bound's constant: {@code F_UPPER + F_MARGIN}. */
  static final float HIGH_ADD = F_UPPER + F_MARGIN;

  /** The lower bound's constant: {@code F_UPPER - CHORD_GAP - F_MARGIN}. */
  static final float LOW_ADD = F_UPPER - (float) CHORD_GAP - F_MARGIN;

  /** The fast path runs for {@code invT} in [2^-100, 2^100], where float a is accurate. */
  private static final double INV_T_MIN = 0x1p-100;

  private static final double INV_T_MAX = 0x1p100;

  private static final Kernel SCALAR_V1 = new ScalarKernel(PrfVersion.V1);
  private static final Kernel SCALAR_V2 = new ScalarKernel(PrfVersion.V2);
  private static final Kernel VECTOR_V2 = loadVector("dev.telltale.embed.VectorGumbelKernelV2");

  private final PrfVersion version;
  private final Kernel kernel;
  private final int[] listed = new int[LIST];
  private final double[] upper = new double[LIST];
  private final Listed list = new Listed(LIST);
  private float[] high = new float[0];

  /** The fast path's list: candidate indices and their upper bounds. */
  static final class Listed {
    final int[] index;
    final float[] high;

    Listed(int capacity) {
      index = new int[capacity];
      high = new float[capacity];
    }
  }

  /** An argmax over the token bits of PRF {@code version} (the session's key's). */
  GumbelArgmax(PrfVersion version) {
    this(version, defaultKernel(version));
  }

  /** With {@code kernel} for the screening pass, or null for the bounds of the double loop. */
  GumbelArgmax(PrfVersion version, Kernel kernel) {
    this.version = version;
    this.kernel = kernel;
  }

  /**
   * PRF v2 with the Vector API on 256-bit vectors or wider: the vector screen; otherwise the double
   * loop ({@code -Dtelltale.gumbel.kernel=scalar|vector|loop} forces one; vector falls back to the
   * scalar screen when the module is absent).
   */
  static Kernel defaultKernel(PrfVersion version) {
    String choice = System.getProperty("telltale.gumbel.kernel", "auto");
    Kernel vector = version == PrfVersion.V2 ? VECTOR_V2 : null;
    return switch (choice) {
      case "loop" -> null;
      case "scalar" -> scalarKernel(version);
      case "vector" -> vector != null ? vector : scalarKernel(version);
      default -> vector != null && vector.profitable() ? vector : null;
    };
  }

  /** The scalar screening kernel of PRF {@code version} (it reads the top 32 of the 64 bits). */
  static Kernel scalarKernel(PrfVersion version) {
    return version == PrfVersion.V2 ? SCALAR_V2 : SCALAR_V1;
  }

  /** PRF v2's Vector API screening kernel, if {@code jdk.incubator.vector} is present. */
  static java.util.Optional<Kernel> vectorKernel() {
    return java.util.Optional.ofNullable(VECTOR_V2);
  }

  /** "vector (...)", "scalar" or "loop": what {@link #argmax} screens with. */
  String path() {
    return kernel == null ? "loop" : kernel.name();
  }

  /** The argmax over {@code logits[0..n)}; token ids from {@code candidates} (or the index). */
  int argmax(float[] logits, int[] candidates, int n, double invT, long seed) {
    float lmax = kernel == null ? max(logits, n) : kernel.max(logits, n);
    if (lmax == Float.NEGATIVE_INFINITY) {
      throw new IllegalArgumentException("every candidate logit is negative infinity");
    }
    if (lmax == Float.POSITIVE_INFINITY || invT == Double.POSITIVE_INFINITY) {
      // every other value is NaN or -inf: the first largest logit wins
      return firstIndexOf(logits, n, lmax);
    }
    if (kernel != null && invT >= INV_T_MIN && invT <= INV_T_MAX) {
      return screened(logits, candidates, n, lmax, invT, seed);
    }
    return loop(logits, candidates, n, lmax, invT, seed);
  }

  /**
   * The fast path. The kernel bounds every candidate's V from 32 PRF bits in floats, block by
   * block, and returns the best lower bound {@code floor}; every candidate whose upper bound
   * reaches the floor so far is listed, and at the end those still reaching the final floor are
   * kept. The winner is kept (its V is at least the V of the floor's candidate, which is at least
   * floor), so a single kept candidate is the winner with no logarithm; otherwise the kept ones are
   * valued exactly, in the reference's order (the first largest logit, then increasing index,
   * strictly greater replaces). A list that overflows (dozens of candidates in reach) hands the
   * step to the loop path.
   */
  private int screened(
      float[] logits, int[] candidates, int n, float lmax, double invT, long seed) {
    float[] h = high(Math.min(n, BLOCK));
    float t = (float) invT;
    float floor = Float.NEGATIVE_INFINITY;
    int count = 0;
    for (int from = 0; from < n; from += BLOCK) {
      int to = Math.min(n, from + BLOCK);
      float f = kernel.screen(logits, candidates, from, to, lmax, t, seed, h);
      floor = f > floor ? f : floor;
      count = kernel.collect(h, from, to, floor, list, count);
      if (count < 0) {
        return loop(logits, candidates, n, lmax, invT, seed);
      }
    }
    count = compact(list, count, floor);
    if (count == 1) {
      return list.index[0];
    }
    int top = firstIndexOf(logits, n, lmax);
    int bestIndex = -1;
    double best = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < count; k++) {
      if (list.index[k] == top) {
        bestIndex = top;
        best = value(logits, candidates, top, lmax, invT, seed);
      }
    }
    for (int k = 0; k < count; k++) {
      int j = list.index[k];
      if (j != top) {
        double v = value(logits, candidates, j, lmax, invT, seed);
        if (v > best) {
          best = v;
          bestIndex = j;
        }
      }
    }
    if (bestIndex < 0) {
      throw new AssertionError("the screen dropped every candidate");
    }
    return bestIndex;
  }

  private float[] high(int n) {
    if (high.length < n) {
      high = new float[n];
    }
    return high;
  }

  /** The argmax over the 54-bit double bounds, one candidate at a time (v1, or no Vector API). */
  int loop(float[] logits, int[] candidates, int n, float lmax, double invT, long seed) {
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

  /**
   * The bounds of candidates {@code from .. to)} into {@code high[i - base]}; returns the largest
   * of {@code floor} and their lower bounds (NaN ignored). The same bounds as the vector kernel
   * (which runs this on its tail), in the same float operations except that a lower bound for y >
   * 1/2 is pushed below -1e32 by arithmetic where the vector kernel masks it.
   */
  static float screenRange(
      float[] logits,
      int[] candidates,
      int base,
      int from,
      int to,
      float lmax,
      float invT,
      long seed,
      PrfVersion version,
      float[] high,
      float floor) {
    for (int i = from; i < to; i++) {
      int v = candidates == null ? i : candidates[i];
      int hi =
          version == PrfVersion.V2
              ? WatermarkPrf.hi32(seed, v)
              : (int) (WatermarkPrf.bits(seed, v) >>> 32);
      float a = (logits[i] - lmax) * invT;
      float hf = (hi >>> 1) ^ 0x7fffffff; // H = (~hi) >>> 1
      float hp = hf + 1f;
      float up = HIGH_ADD - F_NATS_PER_BIT * Float.floatToRawIntBits(hf);
      high[i - base] = a * HIGH_SCALE + up;
      float low = (LOW_ADD - F_NATS_PER_BIT * Float.floatToRawIntBits(hp)) - hp * 0x1p-30f;
      // only for y <= 1/2; above, below -1e32 (G >= -3.7 always, so still a lower bound), without
      // a branch: half the candidates at random have y > 1/2
      float lower = a * LOW_SCALE + low + Math.min(0f, 0x1p30f - hp) * 0x1p100f;
      floor = lower > floor ? lower : floor;
    }
    return floor;
  }

  /**
   * Appends {@code i} in {@code from .. to)} with {@code high[i - base] >= floor} to {@code list}
   * after its first {@code count} entries; when the list is full, first drops the entries below
   * {@code floor}. Returns the new count, or -1 if the list is still full.
   */
  static int collectRange(
      float[] high, int base, int from, int to, float floor, Listed list, int count) {
    for (int i = from; i < to; i++) {
      float x = high[i - base];
      if (x >= floor) {
        if (count == list.index.length) {
          count = compact(list, count, floor);
          if (count == list.index.length) {
            return -1;
          }
        }
        list.index[count] = i;
        list.high[count] = x;
        count++;
      }
    }
    return count;
  }

  /** Keeps the listed entries whose upper bound reaches {@code floor}, in order. */
  private static int compact(Listed list, int count, float floor) {
    int kept = 0;
    for (int k = 0; k < count; k++) {
      if (list.high[k] >= floor) {
        list.index[kept] = list.index[k];
        list.high[kept] = list.high[k];
        kept++;
      }
    }
    return kept;
  }

  private static final class ScalarKernel implements Kernel {
    private final PrfVersion version;

    ScalarKernel(PrfVersion version) {
      this.version = version;
    }

    @Override
    public float max(float[] logits, int n) {
      return GumbelArgmax.max(logits, n);
    }

    @Override
    public float screen(
        float[] logits,
        int[] candidates,
        int from,
        int to,
        float lmax,
        float invT,
        long seed,
        float[] high) {
      return screenRange(
          logits,
          candidates,
          from,
          from,
          to,
          lmax,
          invT,
          seed,
          version,
          high,
          Float.NEGATIVE_INFINITY);
    }

    @Override
    public int collect(float[] high, int from, int to, float floor, Listed list, int count) {
      return collectRange(high, from, from, to, floor, list, count);
    }

    @Override
    public String name() {
      return "scalar";
    }

    @Override
    public boolean profitable() {
      return false; // the loop path's 54-bit bounds cost about as much per candidate
    }
  }

  private static Kernel loadVector(String className) {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return null;
    }
    try {
      return (Kernel) Class.forName(className).getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      return null;
    }
  }
}
