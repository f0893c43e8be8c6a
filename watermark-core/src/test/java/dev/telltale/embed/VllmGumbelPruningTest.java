package dev.telltale.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.telltale.prf.Philox4x32;
import dev.telltale.prf.PhiloxCandidateWords;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * {@link VllmGumbelArgmax}'s pruning, on the scalar and the Vector API paths, picks exactly what
 * vLLM's rule written out picks ({@link VllmGumbelArgmax#reference}: every word, both logarithms,
 * the first index of the max) over random keys, contexts, candidate sets (and the full vocabulary),
 * temperatures, and logits made to test the bounds: Gaussian at many scales, exact and near ties of
 * the values (each logit set from its candidate's noise), a few distinct logits with -inf among
 * them, and a far-below candidate whose noise is large enough to win. Each bound tightened by too
 * much (the pre-Philox noise ceiling, the chord gap of the lower bound, the vector prefilter's
 * upper bound) makes the same property fail: the tests could catch a wrong bound.
 */
class VllmGumbelPruningTest {
  private static final double[] TEMPERATURES = {1.0, 0.7, 1.3, 0.05, 4.0, 1e-3, 1e6};
  private static final int[] SIZES = {1, 2, 15, 16, 17, 63, 64, 65, 128, 256, 257};

  record Step(long key, int[] state, float[] logits, int[] candidates, int n, float invT) {
    int reference() {
      return VllmGumbelArgmax.reference(logits, candidates, n, invT, key, state);
    }

    @Override
    public String toString() {
      return "Step[n=" + n + ", invT=" + invT + ", full=" + (candidates == null) + "]";
    }
  }

  /** A random step; shape 0..3 picks how its logits are drawn (see the class comment). */
  static Step step(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    long key = rnd.nextLong();
    int[] state = {rnd.nextInt(), rnd.nextInt(), rnd.nextInt(), rnd.nextInt()};
    int n = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(600) : SIZES[rnd.nextInt(SIZES.length)];
    int[] candidates = null;
    if (rnd.nextInt(6) != 0) {
      candidates = new int[n];
      boolean wide = rnd.nextBoolean();
      for (int i = 0; i < n; i++) {
        candidates[i] = wide ? rnd.nextInt() : rnd.nextInt(262_144);
      }
    }
    float invT = (float) (1.0 / TEMPERATURES[rnd.nextInt(TEMPERATURES.length)]);
    float[] logits = new float[n];
    switch (rnd.nextInt(4)) {
      case 0 -> {
        double scale = new double[] {0.01, 0.3, 1, 3, 10, 40}[rnd.nextInt(6)];
        for (int i = 0; i < n; i++) {
          logits[i] = (float) (rnd.nextGaussian() * scale);
        }
      }
      case 1 -> {
        // Values within a few float ulps of each other: logit = (c - noise) / T, nudged.
        float c = (float) (rnd.nextGaussian() * 5);
        for (int i = 0; i < n; i++) {
          float g = VllmGumbelArgmax.value(0f, 1f, word(key, state, candidates, i));
          float l = (float) ((c - g) / invT);
          for (int u = rnd.nextInt(5) - 2; u != 0; u += u > 0 ? -1 : 1) {
            l = u > 0 ? Math.nextUp(l) : Math.nextDown(l);
          }
          logits[i] = rnd.nextInt(8) == 0 ? (float) (rnd.nextGaussian() * 3) : l;
        }
      }
      case 2 -> {
        float[] levels = {0f, -1f, -2.5f, 3f, Float.NEGATIVE_INFINITY};
        for (int i = 0; i < n; i++) {
          logits[i] = levels[rnd.nextInt(levels.length)];
        }
        logits[rnd.nextInt(n)] = 3f;
      }
      default -> {
        // A candidate far below the top whose large noise lets it win or tie.
        for (int i = 0; i < n; i++) {
          logits[i] = (float) (rnd.nextGaussian() * 3);
        }
        plantWinner(rnd, key, state, candidates, logits, n, invT, 9.0, rnd.nextBoolean());
      }
    }
    return new Step(key, state, logits, candidates, n, invT);
  }

  private static int word(long key, int[] state, int[] candidates, int i) {
    return Philox4x32.tokenWord(key, state, candidates == null ? i : candidates[i]);
  }

  /**
   * Gives a random candidate (outside the top one's batch of 64 when there is another batch, whose
   * other logits are then put out of reach) an id whose noise exceeds {@code g}, and the logit that
   * makes its value reach the best of the others' (a tie, which index order breaks) or, if {@code
   * strict}, pass it.
   */
  private static void plantWinner(
      SplittableRandom rnd,
      long key,
      int[] state,
      int[] candidates,
      float[] logits,
      int n,
      float invT,
      double g,
      boolean strict) {
    if (candidates == null || n < 2) {
      return;
    }
    int top = 0;
    for (int i = 1; i < n; i++) {
      if (logits[i] > logits[top]) {
        top = i;
      }
    }
    int w;
    if (n > 64) {
      int chunk = top / 64 == 0 ? 1 : 0;
      int from = chunk * 64;
      int to = Math.min(n, from + 64);
      w = from + rnd.nextInt(to - from);
      for (int i = from; i < to; i++) {
        logits[i] = -1e4f;
      }
    } else {
      do {
        w = rnd.nextInt(n);
      } while (w == top);
    }
    candidates[w] = idWithNoiseAbove(key, state, g, rnd.nextInt(1 << 20));
    // The best value of the others, then the smallest logit whose value reaches it (a tie,
    // which index order breaks) or passes it.
    float others = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      if (i != w) {
        others =
            Math.max(
                others, VllmGumbelArgmax.value(logits[i], invT, word(key, state, candidates, i)));
      }
    }
    int ww = word(key, state, candidates, w);
    float l = (float) ((others - VllmGumbelArgmax.value(0f, 1f, ww)) / invT);
    for (int k = 0; k < 64 && VllmGumbelArgmax.value(l, invT, ww) < others; k++) {
      l = Math.nextUp(l);
    }
    for (int k = 0; k < 64 && strict && VllmGumbelArgmax.value(l, invT, ww) <= others; k++) {
      l = Math.nextUp(l);
    }
    logits[w] = l;
  }

  /** The first id from {@code start} whose float noise exceeds {@code g}. */
  static int idWithNoiseAbove(long key, int[] state, double g, int start) {
    PhiloxCandidateWords words = PhiloxCandidateWords.of();
    int[] ids = new int[4096];
    int[] out = new int[4096];
    for (int base = start; ; base += ids.length) {
      for (int k = 0; k < ids.length; k++) {
        ids[k] = base + k;
      }
      words.words(key, state, ids, ids.length, out);
      for (int k = 0; k < ids.length; k++) {
        // cheap test on the top bits first: G > 9 needs u > exp(-exp(-9)), i.e. w >>> 8 near 2^24
        if ((out[k] >>> 20) >= 0xFFE && VllmGumbelArgmax.value(0f, 1f, out[k]) > g) {
          return ids[k];
        }
      }
    }
  }

  private static void check(Supplier<VllmGumbelArgmax> path, long seed) {
    Step s = step(seed);
    int expected = s.reference();
    VllmGumbelArgmax argmax = path.get();
    float[] logits = s.logits().clone();
    int got;
    try {
      got = argmax.argmax(logits, s.candidates(), s.n(), s.invT(), s.key(), s.state());
    } catch (IllegalArgumentException allInfinite) {
      got = -1; // every logit -inf: the sampler refuses; the rule would take index 0
      assertTrue(
          Arrays.stream(toDoubles(s.logits())).allMatch(x -> x == Double.NEGATIVE_INFINITY),
          s::toString);
      return;
    }
    assertEquals(expected, got, s::toString);
    assertTrue(Arrays.equals(logits, s.logits()), "logits left as they were");
  }

  private static double[] toDoubles(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  private static void property(Supplier<VllmGumbelArgmax> path) {
    // one instance across steps, as in a session: its scratch grows and is reused
    VllmGumbelArgmax shared = path.get();
    qt().withFixedSeed(0x15_6A7E_2026L)
        .withExamples(1500)
        .forAll(longs().all())
        .checkAssert(seed -> check(() -> shared, seed));
  }

  private static Supplier<VllmGumbelArgmax> scalar(float maxNoise, double chordGap) {
    return () -> new VllmGumbelArgmax(PhiloxCandidateWords.scalar(), null, maxNoise, chordGap);
  }

  private static Supplier<VllmGumbelArgmax> vector(
      float maxNoise, double chordGap, float prefilterSlack) {
    PhiloxCandidateWords words = PhiloxCandidateWords.vector().orElseThrow();
    return () ->
        new VllmGumbelArgmax(words, new VectorGumbelPrefilter(prefilterSlack), maxNoise, chordGap);
  }

  @Test
  void theVectorPathIsTheDefaultHere() {
    // surefire adds jdk.incubator.vector, so sessions sample on the vector path in these tests
    assertNotNull(VllmGumbelArgmax.VECTOR_PREFILTER);
    assertTrue(PhiloxCandidateWords.of().isVector(), PhiloxCandidateWords.path());
  }

  @Test
  void scalarPathPicksWhatTheRulePicks() {
    property(scalar(VllmGumbelArgmax.MAX_NOISE, VllmGumbelArgmax.CHORD_GAP));
  }

  @Test
  void vectorPathPicksWhatTheRulePicks() {
    property(vector(VllmGumbelArgmax.MAX_NOISE, VllmGumbelArgmax.CHORD_GAP, 0f));
  }

  @Test
  void aNoiseCeilingBelowTheLargestNoiseFails() {
    // the largest float noise is 16.6355; a ceiling of 16.6 prunes a winner whose noise is that
    assertThrows(
        AssertionError.class, () -> extremeWinners(scalar(16.6f, VllmGumbelArgmax.CHORD_GAP)));
    assertThrows(
        AssertionError.class, () -> extremeWinners(vector(16.6f, VllmGumbelArgmax.CHORD_GAP, 0f)));
    extremeWinners(scalar(VllmGumbelArgmax.MAX_NOISE, VllmGumbelArgmax.CHORD_GAP));
    extremeWinners(vector(VllmGumbelArgmax.MAX_NOISE, VllmGumbelArgmax.CHORD_GAP, 0f));
  }

  // Steps whose planted winner has the largest noise there is, 16.6355 (one id in 2^24).
  private static void extremeWinners(Supplier<VllmGumbelArgmax> path) {
    for (long seed = 1; seed <= 3; seed++) {
      SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L);
      long key = rnd.nextLong();
      int[] state = {rnd.nextInt(), rnd.nextInt(), rnd.nextInt(), rnd.nextInt()};
      int n = 128;
      int[] candidates = new int[n];
      float[] logits = new float[n];
      for (int i = 0; i < n; i++) {
        candidates[i] = rnd.nextInt(262_144);
        logits[i] = (float) (rnd.nextGaussian() - 10); // none near the top one's value
      }
      logits[rnd.nextInt(64)] = 10f;
      plantWinner(rnd, key, state, candidates, logits, n, 1f, 16.2, true);
      Step s = new Step(key, state, logits, candidates, n, 1f);
      assertEquals(
          s.reference(),
          path.get().argmax(logits, candidates, n, 1f, key, state),
          () -> "seed " + s);
    }
  }

  @Test
  void aLowerBoundWithoutTheChordGapFails() {
    assertThrows(AssertionError.class, () -> property(scalar(VllmGumbelArgmax.MAX_NOISE, 0.0)));
    assertThrows(AssertionError.class, () -> property(vector(VllmGumbelArgmax.MAX_NOISE, 0.0, 0f)));
  }

  @Test
  void aPrefilterBoundTightenedByATenthFails() {
    assertThrows(
        AssertionError.class,
        () -> property(vector(VllmGumbelArgmax.MAX_NOISE, VllmGumbelArgmax.CHORD_GAP, -0.1f)));
  }
}
