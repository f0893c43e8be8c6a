package dev.telltale.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.telltale.TestKeys;
import dev.telltale.prf.WatermarkPrf;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.scheme.PrfVersion;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The pruned Gumbel-max argmax picks the same index as a straightforward loop that takes both
 * logarithms of every candidate, for random logits (ties, duplicated candidates, infinities, NaN,
 * huge and tiny scales), temperatures, keys and contexts.
 */
class GumbelArgmaxTest {
  private static final double[] TEMPERATURES = {
    1.0, 0.7, 1.3, 0.05, 4.0, 1e-30, 1e30, 1e300, Double.MIN_VALUE
  };

  /**
   * Reference: the first largest logit first, then every other candidate in order, replacing the
   * best only when strictly greater; {@code V = (l - lmax) / T - ln(-ln r)}.
   */
  static int reference(
      float[] logits, int[] candidates, int n, double temperature, long seed, PrfVersion prf) {
    double invT = 1.0 / temperature;
    float lmax = Float.NEGATIVE_INFINITY;
    int top = -1;
    for (int i = 0; i < n; i++) {
      if (logits[i] > lmax) {
        lmax = logits[i];
        top = i;
      }
    }
    if (top < 0) {
      throw new IllegalArgumentException("every candidate logit is negative infinity");
    }
    int bestIndex = top;
    long ut = WatermarkPrf.bits(prf, seed, candidates == null ? top : candidates[top]);
    double best = 0.0 - Math.log(WatermarkPrf.negLnUniform(ut));
    for (int i = 0; i < n; i++) {
      if (i == top) {
        continue;
      }
      double a = (logits[i] - lmax) * invT;
      long u = WatermarkPrf.bits(prf, seed, candidates == null ? i : candidates[i]);
      double v = a - Math.log(WatermarkPrf.negLnUniform(u));
      if (v > best) {
        best = v;
        bestIndex = i;
      }
    }
    return bestIndex;
  }

  /** A random step: logits of one of several shapes, candidate ids (some duplicated) or null. */
  record Step(float[] logits, int[] candidates, int n, double temperature, long seed) {
    // Both PRF versions: the seed's low bit picks one.
    PrfVersion prf() {
      return (seed & 1) == 0 ? PrfVersion.V1 : PrfVersion.V2;
    }
  }

  static Step step(long s, int n, int shape) {
    SplittableRandom rnd = new SplittableRandom(s);
    float[] logits = new float[n + rnd.nextInt(3)];
    double scale =
        switch (shape % 6) {
          case 0 -> 3.0;
          case 1 -> 1.0;
          case 2 -> 0.01;
          case 3 -> 30.0;
          case 4 -> 1e6;
          default -> 1e30;
        };
    boolean quantised = shape % 4 == 1; // many equal logits
    for (int i = 0; i < logits.length; i++) {
      double g = rnd.nextGaussian() * scale;
      logits[i] = (float) (quantised ? Math.rint(g * 2) / 2 : g);
    }
    if (shape % 5 == 2) {
      java.util.Arrays.sort(logits, 0, n); // ascending: the worst order for pruning
    }
    if (shape % 7 == 3) {
      for (int k = 0; k < 1 + n / 8; k++) {
        logits[rnd.nextInt(n)] = Float.NEGATIVE_INFINITY;
      }
    }
    if (shape % 11 == 4) {
      logits[rnd.nextInt(n)] = Float.NaN;
    }
    if (shape % 13 == 5) {
      logits[rnd.nextInt(n)] = Float.POSITIVE_INFINITY;
    }
    int[] candidates = null;
    if (shape % 3 != 0) {
      candidates = new int[n + rnd.nextInt(3)];
      int vocab = shape % 3 == 1 ? 100_277 : 1 + n / 4; // a small vocabulary repeats ids
      for (int i = 0; i < candidates.length; i++) {
        candidates[i] = rnd.nextInt(vocab);
      }
      if (shape % 2 == 0 && n > 1) {
        // an exact duplicate of the first largest logit's candidate at a later index
        int j = rnd.nextInt(n - 1) + 1;
        candidates[j] = candidates[0];
        logits[j] = logits[0];
      }
    }
    double temperature = TEMPERATURES[rnd.nextInt(TEMPERATURES.length)];
    return new Step(logits, candidates, n, temperature, rnd.nextLong());
  }

  private static void sameAsReference(Step st) {
    GumbelArgmax argmax = new GumbelArgmax(st.prf());
    int expected;
    try {
      expected =
          reference(st.logits(), st.candidates(), st.n(), st.temperature(), st.seed(), st.prf());
    } catch (IllegalArgumentException e) {
      assertThrows(
          IllegalArgumentException.class,
          () ->
              argmax.argmax(
                  st.logits(), st.candidates(), st.n(), 1.0 / st.temperature(), st.seed()));
      return;
    }
    int got =
        argmax.argmax(st.logits(), st.candidates(), st.n(), 1.0 / st.temperature(), st.seed());
    assertEquals(expected, got, () -> "step " + st);
  }

  @Test
  void prunedArgmaxEqualsTheReferenceOnRandomSteps() {
    qt().withFixedSeed(0x6A8B_E1L)
        .withExamples(4000)
        .forAll(longs().all(), integers().between(1, 700), integers().between(0, 1000))
        .checkAssert((s, n, shape) -> sameAsReference(step(s, n, shape)));
  }

  @Test
  void prunedArgmaxEqualsTheReferenceWhenEveryValueTies() {
    // Huge temperatures make every a_i zero, so duplicated candidates tie exactly, including ones
    // before the first largest logit: the tie must still go to that logit, then to the lower index.
    SplittableRandom rnd = new SplittableRandom(5);
    for (int t = 0; t < 500; t++) {
      int n = 2 + rnd.nextInt(300);
      float[] logits = new float[n];
      int[] candidates = new int[n];
      for (int i = 0; i < n; i++) {
        logits[i] = (float) rnd.nextGaussian();
        candidates[i] = rnd.nextInt(1 + rnd.nextInt(8));
      }
      sameAsReference(new Step(logits, candidates, n, 1e300, rnd.nextLong()));
    }
  }

  @Test
  void manyNearWinnersOverflowTheListAndStillMatch() {
    // All logits equal and a small vocabulary: dozens of candidates stay in the running.
    SplittableRandom rnd = new SplittableRandom(9);
    for (int t = 0; t < 300; t++) {
      int n = 64 + rnd.nextInt(2000);
      float[] logits = new float[n];
      int[] candidates = new int[n];
      for (int i = 0; i < n; i++) {
        logits[i] = (float) (rnd.nextInt(3) * 1e-7);
        candidates[i] = rnd.nextInt(n);
      }
      sameAsReference(new Step(logits, candidates, n, 0.5 + rnd.nextDouble(), rnd.nextLong()));
    }
  }

  @Test
  void sessionSamplesWhatTheReferenceChoosesAlongGenerations() {
    qt().withFixedSeed(0x6A8B_E2L)
        .withExamples(60)
        .forAll(longs().all(), integers().between(1, 4))
        .checkAssert(
            (s, width) -> {
              SplittableRandom rnd = new SplittableRandom(s);
              PrfVersion prf = (s & 1) == 0 ? PrfVersion.V1 : PrfVersion.V2;
              Watermarker w =
                  Watermarker.of(
                      TestKeys.key(s, GumbelParameters.builder().contextWidth(width).build(), prf));
              WatermarkSession session =
                  w.newSession(new int[] {rnd.nextInt(1000), rnd.nextInt(1000)}, 0, 2);
              for (int t = 0; t < 200; t++) {
                Step st = step(rnd.nextLong(), 1 + rnd.nextInt(300), rnd.nextInt(1000));
                int n = st.n();
                int token;
                if (session.watermarking() && !Float.isNaN(st.logits()[0])) {
                  int expected;
                  try {
                    expected =
                        reference(
                            st.logits(),
                            st.candidates(),
                            n,
                            st.temperature(),
                            session.contextSeed(),
                            prf);
                  } catch (IllegalArgumentException e) {
                    session.accept(rnd.nextInt(1000));
                    continue;
                  }
                  int[] c = st.candidates();
                  token =
                      c == null
                          ? session.sample(
                              java.util.Arrays.copyOf(st.logits(), n), st.temperature(), rnd)
                          : session.sample(st.logits(), c, n, st.temperature(), rnd);
                  assertEquals(c == null ? expected : c[expected], token);
                } else {
                  token = rnd.nextInt(1000);
                }
                session.accept(token);
              }
            });
  }

  @Test
  void maxIgnoresNaNAndFindsTheLargest() {
    assertEquals(
        3f, GumbelArgmax.max(new float[] {Float.NaN, 1f, -2f, 3f, Float.NaN, 0f, 2.5f}, 7));
    assertEquals(Float.NEGATIVE_INFINITY, GumbelArgmax.max(new float[] {Float.NaN}, 1));
  }

  /** Softmax sampling as it was, recomputing every weight in the cumulative pass. */
  static int softmaxReference(float[] logits, int n, double temperature, SplittableRandom random) {
    float lmax = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      lmax = Math.max(lmax, logits[i]);
    }
    double invT = 1.0 / temperature;
    double z = 0;
    for (int i = 0; i < n; i++) {
      z += Math.exp((logits[i] - lmax) * invT);
    }
    double target = random.nextDouble() * z;
    double acc = 0;
    int last = 0;
    for (int i = 0; i < n; i++) {
      double w = Math.exp((logits[i] - lmax) * invT);
      if (w > 0) {
        last = i;
        acc += w;
        if (acc > target) {
          return i;
        }
      }
    }
    return last;
  }

  @Test
  void softmaxWithKeptWeightsDrawsWhatRecomputingDraws() {
    qt().withFixedSeed(0x6A8B_E3L)
        .withExamples(2000)
        .forAll(longs().all(), integers().between(1, 700), integers().between(0, 1000))
        .checkAssert(
            (s, n, shape) -> {
              Step st = step(s, n, shape);
              if (GumbelArgmax.max(st.logits(), n) == Float.NEGATIVE_INFINITY) {
                return;
              }
              int expected =
                  softmaxReference(st.logits(), n, st.temperature(), new SplittableRandom(s));
              int got =
                  WatermarkSession.softmaxSample(
                      st.logits(), n, st.temperature(), new SplittableRandom(s), new double[n]);
              assertEquals(expected, got);
            });
  }
}
