package dev.telltale.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.telltale.TestKeys;
import dev.telltale.key.WatermarkKey;
import dev.telltale.prf.PayloadPrf;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.scheme.PayloadParameters;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** The payload layer leaves the zero-bit green list alone and biases exactly the account colour. */
class PayloadSessionTest {
  static final int VOCAB = 3000;

  record Case(
      long keySeed,
      double gamma,
      double delta,
      double payloadDelta,
      int h,
      boolean selfHash,
      int layout,
      long accountSeed,
      long ctxSeed) {}

  @Test
  void payloadBiasKeepsTheZeroBitGreenListForEveryAccount() {
    Gen<double[]> strengths =
        doubles()
            .between(0.05, 0.95)
            .zip(
                doubles().between(0.1, 6),
                doubles().between(0.1, 6),
                (g, d, pd) -> new double[] {g, d, pd});
    Gen<int[]> shapes =
        integers()
            .between(1, 4)
            .zip(
                booleans().all(),
                integers().between(0, 3),
                (h, selfHash, layout) -> new int[] {h, selfHash ? 1 : 0, layout});
    Gen<Case> cases =
        longs()
            .all()
            .zip(
                strengths,
                shapes,
                longs().all(),
                longs().all(),
                (key, st, sh, account, ctx) ->
                    new Case(key, st[0], st[1], st[2], sh[0], sh[1] == 1, sh[2], account, ctx));
    qt().withFixedSeed(0x9A1D_0001L)
        .withExamples(150)
        .forAll(cases)
        .checkAssert(PayloadSessionTest::keepsTheZeroBitGreenList);
  }

  private static void keepsTheZeroBitGreenList(Case c) {
    long keySeed = c.keySeed();
    double gamma = c.gamma();
    double delta = c.delta();
    double payloadDelta = c.payloadDelta();
    int h = c.h();
    boolean selfHash = c.selfHash();
    int layout = c.layout();
    long accountSeed = c.accountSeed();
    long ctxSeed = c.ctxSeed();
    int[][] layouts = {{24, 4}, {32, 2}, {24, 8}, {6, 1}};
    PayloadParameters pp =
        new PayloadParameters(layouts[layout][0], layouts[layout][1], payloadDelta);
    GreenListParameters params =
        GreenListParameters.builder()
            .gamma(gamma)
            .delta(delta)
            .contextWidth(h)
            .selfHash(selfHash)
            .payload(pp)
            .build();
    WatermarkKey key = TestKeys.key(keySeed, params);
    long account = new SplittableRandom(accountSeed).nextLong(pp.accounts());
    SplittableRandom r = new SplittableRandom(ctxSeed);
    int[] ctx = new int[h];
    for (int i = 0; i < h; i++) {
      ctx[i] = r.nextInt(VOCAB);
    }
    WatermarkSession plain = Watermarker.of(key).newSession(ctx, 0, h);
    WatermarkSession paid = Watermarker.forAccount(key, account).newSession(ctx, 0, h);
    PayloadPrf prf = PayloadPrf.of(key, pp);
    long seed = prf.seed(ctx, h);
    int symbol = pp.symbol(account, prf.position(seed));

    float[] logits = new float[VOCAB];
    for (int i = 0; i < VOCAB; i++) {
      logits[i] = (float) r.nextGaussian();
    }
    float[] before = logits.clone();
    float[] zeroBit = logits.clone();
    plain.bias(zeroBit);
    paid.bias(logits);
    for (int v = 0; v < VOCAB; v++) {
      assertEquals(plain.isGreen(v), paid.isGreen(v));
      boolean favoured = plain.isGreen(v) && prf.colour(seed, v) == symbol;
      float expected =
          !plain.isGreen(v)
              ? before[v]
              : favoured
                  ? before[v] + ((float) delta + (float) payloadDelta)
                  : before[v] + (float) delta;
      assertEquals(expected, logits[v], 1e-5f, "token " + v);
      // whatever the account, the zero-bit green list is exactly the plain session's
      assertEquals(zeroBit[v] != before[v], logits[v] != before[v], "token " + v);
    }

    // the candidate-set path agrees with the full-vocabulary path
    int n = 256;
    int[] cands = new int[n];
    float[] candLogits = new float[n];
    for (int i = 0; i < n; i++) {
      cands[i] = r.nextInt(VOCAB);
      candLogits[i] = before[cands[i]];
    }
    paid.bias(candLogits, cands, n);
    for (int i = 0; i < n; i++) {
      assertEquals(logits[cands[i]], candLogits[i]);
    }
  }

  @Test
  void coloursSplitTheGreenListEvenly() {
    qt().withFixedSeed(0x9A1D_0002L)
        .withExamples(50)
        .forAll(longs().all(), longs().all())
        .checkAssert(PayloadSessionTest::coloursSplitEvenly);
  }

  private static void coloursSplitEvenly(long keySeed, long window) {
    PayloadParameters pp = new PayloadParameters(24, 2, 4.0);
    WatermarkKey key = TestKeys.key(keySeed, GreenListParameters.builder().payload(pp).build());
    PayloadPrf prf = PayloadPrf.of(key, pp);
    int[] ctx = {(int) (window & 0xffff), (int) ((window >>> 16) & 0xffff)};
    long seed = prf.seed(ctx, 2);
    int[] perColour = new int[4];
    int tokens = 40_000;
    for (int v = 0; v < tokens; v++) {
      perColour[prf.colour(seed, v)]++;
    }
    double sd = Math.sqrt(tokens * 0.25 * 0.75);
    for (int c : perColour) {
      assertTrue(Math.abs(c - tokens / 4.0) < 6 * sd, java.util.Arrays.toString(perColour));
    }
    int position = prf.position(seed);
    assertTrue(position >= 0 && position < pp.positions());
  }

  @Test
  void positionsAreAllUsed() {
    PayloadParameters pp = new PayloadParameters(24, 4, 4.0);
    PayloadPrf prf =
        PayloadPrf.of(TestKeys.key(3, GreenListParameters.builder().payload(pp).build()), pp);
    int[] hits = new int[pp.positions()];
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < 6000; i++) {
      hits[prf.position(prf.seed(new int[] {r.nextInt(50_000), r.nextInt(50_000)}, 2))]++;
    }
    for (int hit : hits) {
      assertTrue(hit > 800 && hit < 1200, java.util.Arrays.toString(hits));
    }
  }

  @Test
  void payloadsNeedAGreenListKeyAndAnAccountThatFits() {
    WatermarkKey gumbel = TestKeys.key(1, GumbelParameters.defaults());
    assertThrows(
        IllegalArgumentException.class,
        () -> Watermarker.withPayload(gumbel, PayloadParameters.defaults(), 1));
    WatermarkKey plain = TestKeys.key(2, GreenListParameters.defaults());
    assertThrows(IllegalArgumentException.class, () -> Watermarker.forAccount(plain, 1));
    PayloadParameters pp = new PayloadParameters(8, 4, 4.0);
    assertThrows(IllegalArgumentException.class, () -> Watermarker.withPayload(plain, pp, 256));
    assertThrows(IllegalArgumentException.class, () -> Watermarker.withPayload(plain, pp, -1));
    assertEquals(255, Watermarker.withPayload(plain, pp, 255).account().getAsLong());
    assertTrue(Watermarker.of(plain).account().isEmpty());
  }
}
