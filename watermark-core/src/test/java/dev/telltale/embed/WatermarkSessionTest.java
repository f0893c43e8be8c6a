package dev.telltale.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.telltale.TestKeys;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class WatermarkSessionTest {

  record Case(long keySeed, double gamma, double delta, int h, boolean selfHash, long ctxSeed) {}

  @Test
  void biasAddsDeltaToGreenLogitsAndLeavesTheRestUntouched() {
    Gen<double[]> strengths =
        doubles().between(0.05, 0.95).zip(doubles().between(0.1, 8), (g, d) -> new double[] {g, d});
    Gen<Case> cases =
        longs()
            .all()
            .zip(
                strengths,
                integers().between(1, 4),
                booleans().all(),
                longs().all(),
                (key, st, h, selfHash, ctx) -> new Case(key, st[0], st[1], h, selfHash, ctx));
    qt().withFixedSeed(0x3A75_0001L)
        .withExamples(100)
        .forAll(cases)
        .checkAssert(WatermarkSessionTest::biasAddsDeltaToGreenOnly);
  }

  private static void biasAddsDeltaToGreenOnly(Case c) {
    long keySeed = c.keySeed();
    double gamma = c.gamma();
    double delta = c.delta();
    int h = c.h();
    boolean selfHash = c.selfHash();
    long ctxSeed = c.ctxSeed();
    var params =
        GreenListParameters.builder()
            .gamma(gamma)
            .delta(delta)
            .contextWidth(h)
            .selfHash(selfHash)
            .build();
    Watermarker w = Watermarker.of(TestKeys.key(keySeed, params));
    WatermarkSession s = w.newSession();
    SplittableRandom r = new SplittableRandom(ctxSeed);
    for (int i = 0; i < h; i++) {
      s.accept(r.nextInt(1000));
    }
    float[] logits = new float[2000];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = (float) r.nextGaussian();
    }
    float[] before = logits.clone();
    s.bias(logits);
    int green = 0;
    for (int v = 0; v < logits.length; v++) {
      if (s.isGreen(v)) {
        green++;
        assertEquals(before[v] + (float) delta, logits[v]);
      } else {
        assertEquals(before[v], logits[v]);
      }
    }
    // the green share is gamma within a generous binomial band
    double sd = Math.sqrt(2000 * gamma * (1 - gamma));
    assertTrue(Math.abs(green - 2000 * gamma) < 6 * sd, "green=" + green);
  }

  @Test
  void candidateBiasAgreesWithFullVocabularyBias() {
    Watermarker w = Watermarker.of(TestKeys.key(7, GreenListParameters.defaults()));
    WatermarkSession s = w.newSession(new int[] {5, 6, 7}, 0, 3);
    float[] full = new float[50_000];
    s.bias(full);
    int[] cands = new int[256];
    float[] cl = new float[256];
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < 256; i++) {
      cands[i] = r.nextInt(50_000);
    }
    s.bias(cl, cands, 256);
    for (int i = 0; i < 256; i++) {
      assertEquals(full[cands[i]], cl[i]);
    }
  }

  @Test
  void noBiasBeforeTheContextIsFull() {
    Watermarker w = Watermarker.of(TestKeys.key(7, GreenListParameters.defaults()));
    WatermarkSession s = w.newSession();
    s.accept(10);
    assertFalse(s.watermarking());
    float[] logits = new float[100];
    s.bias(logits);
    for (float f : logits) {
      assertEquals(0f, f);
    }
    s.accept(11);
    assertTrue(s.watermarking());
  }

  @Test
  void gumbelSamplingIsDistortionFreeOverContexts() {
    // Over many distinct contexts the Gumbel choice follows softmax(logits / T).
    Watermarker w = Watermarker.of(TestKeys.key(11, GumbelParameters.defaults()));
    float[] logits = {2.0f, 1.0f, 0.0f, -1.0f, 0.5f};
    int[] cands = {10, 20, 30, 40, 50};
    double temperature = 0.8;
    double[] p = new double[5];
    double z = 0;
    for (int i = 0; i < 5; i++) {
      p[i] = Math.exp(logits[i] / temperature);
      z += p[i];
    }
    int trials = 40_000;
    int[] counts = new int[5];
    SplittableRandom unused = new SplittableRandom(0);
    for (int t = 0; t < trials; t++) {
      WatermarkSession s = w.newSession(new int[] {t, t >>> 7}, 0, 2);
      int tok = s.sample(logits.clone(), cands, 5, temperature, unused);
      counts[tok / 10 - 1]++;
    }
    double chi2 = 0;
    for (int i = 0; i < 5; i++) {
      double e = trials * p[i] / z;
      chi2 += (counts[i] - e) * (counts[i] - e) / e;
    }
    // chi-square with 4 degrees of freedom: P[X > 23.5] < 1e-4
    assertTrue(chi2 < 23.5, "chi2=" + chi2);
  }

  @Test
  void gumbelChoiceIsDeterministicInTheContextAndRepeatsFallBackToSampling() {
    Watermarker w = Watermarker.of(TestKeys.key(3, GumbelParameters.defaults()));
    float[] logits = new float[1000];
    SplittableRandom r = new SplittableRandom(5);
    for (int i = 0; i < logits.length; i++) {
      logits[i] = (float) r.nextGaussian();
    }
    WatermarkSession a = w.newSession(new int[] {1, 2}, 0, 2);
    WatermarkSession b = w.newSession(new int[] {1, 2}, 0, 2);
    assertEquals(
        a.sample(logits, 1.0, new SplittableRandom(1)),
        b.sample(logits, 1.0, new SplittableRandom(2)));
    WatermarkSession c = w.newSession(new int[] {1, 2}, 0, 2);
    c.accept(1);
    c.accept(2); // context (1, 2) again
    assertFalse(c.watermarking());
  }

  @Test
  void schemesRefuseTheOtherSchemesCall() {
    WatermarkSession kgw =
        Watermarker.of(TestKeys.key(1, GreenListParameters.defaults())).newSession();
    WatermarkSession gum =
        Watermarker.of(TestKeys.key(1, GumbelParameters.defaults())).newSession();
    assertThrows(
        IllegalStateException.class, () -> kgw.sample(new float[3], 1.0, new SplittableRandom()));
    assertThrows(IllegalStateException.class, () -> gum.bias(new float[3]));
    assertThrows(IllegalArgumentException.class, () -> kgw.accept(-1));
  }
}
