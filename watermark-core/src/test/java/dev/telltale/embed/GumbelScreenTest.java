package dev.telltale.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.telltale.prf.WatermarkPrf;
import dev.telltale.scheme.PrfVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The screened Gumbel argmax (float bounds from 32 PRF bits, scalar and Vector API kernels) picks
 * the same index as the double-bound loop it replaces and as the plain reference loop, on random
 * steps (ties, duplicated candidates, ±inf, NaN, logit scales 0.01 to 1e30, temperatures 1e-30 to
 * 1e300) and on steps built so that every candidate's V lies within 1e-3 of the others (the bounds'
 * slack decides there: a bound made tighter than the noise allows loses the winner).
 */
class GumbelScreenTest {

  /** Every path of the argmax that runs in this JVM, for PRF {@code prf}. */
  private static List<GumbelArgmax> paths(PrfVersion prf) {
    List<GumbelArgmax> paths = new ArrayList<>();
    paths.add(new GumbelArgmax(prf, null));
    paths.add(new GumbelArgmax(prf, GumbelArgmax.scalarKernel(prf)));
    if (prf == PrfVersion.V2) {
      // surefire adds --add-modules jdk.incubator.vector for this module
      paths.add(new GumbelArgmax(prf, GumbelArgmax.vectorKernel().orElseThrow()));
    }
    return paths;
  }

  private static void allPathsAgree(GumbelArgmaxTest.Step st, PrfVersion prf) {
    double invT = 1.0 / st.temperature();
    int expected;
    try {
      expected =
          GumbelArgmaxTest.reference(
              st.logits(), st.candidates(), st.n(), st.temperature(), st.seed(), prf);
    } catch (IllegalArgumentException e) {
      for (GumbelArgmax path : paths(prf)) {
        assertThrows(
            IllegalArgumentException.class,
            () -> path.argmax(st.logits(), st.candidates(), st.n(), invT, st.seed()));
      }
      return;
    }
    for (GumbelArgmax path : paths(prf)) {
      int got = path.argmax(st.logits(), st.candidates(), st.n(), invT, st.seed());
      assertEquals(expected, got, () -> path.path() + " " + prf + " step " + st);
    }
  }

  @Test
  void everyPathEqualsTheReferenceOnRandomSteps() {
    qt().withFixedSeed(0x5C4EE7L)
        .withExamples(3000)
        .forAll(longs().all(), integers().between(1, 700), integers().between(0, 1000))
        .checkAssert(
            (s, n, shape) -> {
              GumbelArgmaxTest.Step st = GumbelArgmaxTest.step(s, n, shape);
              allPathsAgree(st, PrfVersion.V2);
              allPathsAgree(st, PrfVersion.V1);
            });
  }

  @Test
  void everyPathEqualsTheReferenceOverSeveralBlocks() {
    // more candidates than one screening block (2,048): the floor carries over, the list compacts
    qt().withFixedSeed(0x5C4EE9L)
        .withExamples(150)
        .forAll(longs().all(), integers().between(2000, 9000), integers().between(0, 1000))
        .checkAssert(
            (s, n, shape) -> {
              allPathsAgree(GumbelArgmaxTest.step(s, n, shape), PrfVersion.V2);
              allPathsAgree(nearTie(s, n, PrfVersion.V2), PrfVersion.V2);
            });
  }

  /**
   * Logits chosen so that {@code V_i = c + delta_i} up to float rounding: {@code l_i = (c - G_i +
   * delta_i) T} with {@code G_i} the exact noise of candidate i, {@code delta_i} up to 3e-2, 1e-3,
   * 1e-5 or 0, and a share of candidates left at random logits (some duplicated ids, so exact
   * ties). Dozens of candidates reach the floor, so the list overflows too. For PRF v2 the ids are
   * made from wanted {@code hi32} values ({@link #idWithHi32}): a share with {@code H = (~hi32) >>>
   * 1} just above a power of two (the upper bound is tight to its margin there) and a share at
   * {@code 2^k / ln 2} (the lower bound is), both with small {@code y}, so that a bound tightened
   * beyond its margin drops the winner.
   */
  static GumbelArgmaxTest.Step nearTie(long s, int n, PrfVersion prf) {
    SplittableRandom rnd = new SplittableRandom(s);
    long seed = rnd.nextLong();
    double[] temperatures = {1.0, 0.7, 2.0, 0.05, 13.0};
    double t = temperatures[rnd.nextInt(temperatures.length)];
    double spread = new double[] {1e-3, 1e-5, 0.0, 3e-2}[rnd.nextInt(4)];
    double tiedShare = rnd.nextDouble();
    int[] candidates = new int[n];
    float[] logits = new float[n];
    double c = rnd.nextGaussian() * 5;
    for (int i = 0; i < n; i++) {
      int kind = prf == PrfVersion.V2 ? rnd.nextInt(3) : 0;
      if (i > 0 && rnd.nextInt(20) == 0) {
        candidates[i] = candidates[rnd.nextInt(i)];
      } else if (kind == 0) {
        candidates[i] = rnd.nextInt(100_277);
      } else {
        int k = 8 + rnd.nextInt(13); // y = 1 - r below 2^-10
        double f = kind == 1 ? 0 : 1 / Math.log(2) - 1;
        long h = (long) Math.floor((1L << k) * (1 + f)) + rnd.nextInt(3) - (kind == 1 ? 0 : 2);
        candidates[i] = idWithHi32(seed, ~((int) (h << 1) | rnd.nextInt(2)));
      }
      long u = WatermarkPrf.bits(prf, seed, candidates[i]);
      double g = -Math.log(WatermarkPrf.negLnUniform(u));
      logits[i] =
          rnd.nextDouble() < tiedShare
              ? (float) ((c - g + spread * rnd.nextDouble()) * t)
              : (float) ((c + rnd.nextGaussian() * 3) * t);
    }
    return new GumbelArgmaxTest.Step(logits, candidates, n, t, seed);
  }

  /** The token id (any int) whose v2 {@code hi32} under {@code seed} is {@code hi}. */
  static int idWithHi32(long seed, int hi) {
    int x = unmix(hi, 0x846ca68b, 15) ^ (int) (seed >>> 32);
    int v = unmix(x, 0x7feb352d, 16) ^ (int) seed;
    if (WatermarkPrf.hi32(seed, v) != hi) {
      throw new AssertionError("inverse of hi32");
    }
    return v;
  }

  // The x with (x ^ x >>> shift) * multiplier, then ^= >>> 16 only for the second round, equal
  // to y: for the first round (shift 16) the output is (x ^ x >>> 16) * m; for the second (15)
  // it is z ^ z >>> 16 with z = (x ^ x >>> 15) * m.
  private static int unmix(int y, int multiplier, int shift) {
    if (shift == 15) {
      y ^= y >>> 16;
    }
    int inverse = multiplier; // Newton: the inverse of the odd multiplier mod 2^32
    for (int k = 0; k < 5; k++) {
      inverse *= 2 - multiplier * inverse;
    }
    int w = y * inverse;
    return shift == 16 ? w ^ (w >>> 16) : w ^ (w >>> 15) ^ (w >>> 30);
  }

  @Test
  void everyPathEqualsTheReferenceWhenEveryValueNearlyTies() {
    qt().withFixedSeed(0x5C4EE8L)
        .withExamples(3000)
        .forAll(longs().all(), integers().between(1, 600))
        .checkAssert(
            (s, n) -> {
              allPathsAgree(nearTie(s, n, PrfVersion.V2), PrfVersion.V2);
              allPathsAgree(nearTie(s, n, PrfVersion.V1), PrfVersion.V1);
            });
  }

  /** A v2 context seed under which {@code hi32(seed, v)} is {@code hi} (lo32 follows from it). */
  static long seedWithHi32(int v, int hi, int sLo) {
    int x1 = v ^ sLo;
    x1 = (x1 ^ (x1 >>> 16)) * 0x7feb352d;
    int w = hi ^ (hi >>> 16); // undoes x ^ x >>> 16
    int inverse = 0x846ca68b; // Newton: the inverse of the odd multiplier mod 2^32
    for (int k = 0; k < 5; k++) {
      inverse *= 2 - 0x846ca68b * inverse;
    }
    w *= inverse;
    int z = w ^ (w >>> 15) ^ (w >>> 30); // undoes x ^ x >>> 15
    return ((long) (z ^ x1) << 32) | (sLo & 0xffffffffL);
  }

  /**
   * The float bounds hold for every noise: {@code high >= V >= lower} with V computed as the
   * reference does, for {@code H = (~hi32) >>> 1} at and around every power of two (where the upper
   * chord is exact, so the upper bound is tight to its margin) and at {@code 2^k / ln 2} (where the
   * lower chord is farthest below ln, so the lower bound is tight), 0 and the largest H, and a
   * range of {@code a} (logits, temperatures). A bound tightened by 0.01 nats fails here.
   */
  @Test
  void theFloatBoundsHoldAtTheirTightestNoises() {
    SplittableRandom rnd = new SplittableRandom(11);
    GumbelArgmax.Kernel scalar = GumbelArgmax.scalarKernel(PrfVersion.V2);
    GumbelArgmax.Kernel vector = GumbelArgmax.vectorKernel().orElseThrow();
    double[] fractions = {0, 1.0 / Math.log(2) - 1, 0.5, 1 - 1e-9};
    float[] high = new float[64];
    int checked = 0;
    for (int k = 0; k <= 31; k++) {
      for (double f : fractions) {
        for (int d = -2; d <= 2; d++) {
          long h =
              Math.min((1L << 31) - 1, Math.max(0, (long) Math.floor((1L << k) * (1 + f)) + d));
          int hi = ~((int) (h << 1) | rnd.nextInt(2));
          for (int t = 0; t < 8; t++) {
            // lanes of one vector: the candidate under test in every lane, a spread of logits
            int v = rnd.nextInt(100_277);
            long seed = seedWithHi32(v, hi, rnd.nextInt());
            assertEquals(hi, WatermarkPrf.hi32(seed, v));
            int n = 16 + rnd.nextInt(48);
            int[] candidates = new int[n];
            float[] logits = new float[n];
            java.util.Arrays.fill(candidates, v);
            double invT = new double[] {1, 0.3, 7, 1e-20, 1e20}[rnd.nextInt(5)];
            for (int i = 0; i < n; i++) {
              logits[i] =
                  i == 0
                      ? 0f
                      : (float) (-Math.abs(rnd.nextGaussian()) * Math.pow(10, rnd.nextInt(6) - 3));
            }
            double g = -Math.log(WatermarkPrf.negLnUniform(WatermarkPrf.bitsV2(seed, v)));
            for (GumbelArgmax.Kernel kernel : List.of(scalar, vector)) {
              float lmax = kernel.max(logits, n);
              float floor = kernel.screen(logits, candidates, 0, n, lmax, (float) invT, seed, high);
              double best = Double.NEGATIVE_INFINITY;
              for (int i = 0; i < n; i++) {
                double value = (logits[i] - lmax) * invT + g;
                best = Math.max(best, value);
                int at = i;
                assertTrue(
                    high[i] >= value,
                    () -> kernel.name() + " H " + h + " a " + value + " high " + high[at]);
              }
              // the lower bound of some lane: at most the largest V
              double largest = best;
              assertTrue(
                  floor <= best,
                  () -> kernel.name() + " H " + h + " floor " + floor + " V " + largest);
              checked++;
            }
          }
        }
      }
    }
    assertTrue(checked > 5000);
  }

  @Test
  void theVectorMaxEqualsTheScalarMax() {
    GumbelArgmax.Kernel vector = GumbelArgmax.vectorKernel().orElseThrow();
    SplittableRandom rnd = new SplittableRandom(3);
    for (int t = 0; t < 2000; t++) {
      int n = rnd.nextInt(300);
      float[] logits = new float[n + rnd.nextInt(3)];
      for (int i = 0; i < logits.length; i++) {
        int k = rnd.nextInt(25);
        logits[i] =
            switch (k) {
              case 0 -> Float.NaN;
              case 1 -> Float.NEGATIVE_INFINITY;
              case 2 -> t % 7 == 0 ? Float.POSITIVE_INFINITY : -0.0f;
              default -> (float) (rnd.nextGaussian() * 10);
            };
      }
      float expected = GumbelArgmax.max(logits, n);
      float got = vector.max(logits, n);
      // +0.0 and -0.0 are the same maximum (the index search and a = l - lmax treat them alike)
      assertEquals(expected == 0 ? 0f : expected, got == 0 ? 0f : got, "n " + n);
    }
  }

  @Test
  void newV2SessionsScreenWithTheVectorKernelAndV1KeepsTheLoop() {
    assertEquals(
        GumbelArgmax.vectorKernel().orElseThrow().name(), new GumbelArgmax(PrfVersion.V2).path());
    assertEquals("loop", new GumbelArgmax(PrfVersion.V1).path());
  }
}
