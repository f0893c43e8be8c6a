package dev.telltale.forensics.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.telltale.TestKeys;
import dev.telltale.embed.WatermarkSession;
import dev.telltale.embed.Watermarker;
import dev.telltale.forensics.attribution.DocumentAttribution.Outcome;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.scheme.PayloadParameters;
import dev.telltale.text.Tokenizer;
import dev.telltale.text.Tokenizers;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Round trips through the real session and decoder with an idealised generator (uniform over the
 * most biased tokens of a small vocabulary); the measured behaviour on teacher text is in the
 * testdata module.
 */
class AttributionTest {
  static final Tokenizer TOKENIZER = Tokenizers.cl100kBase();
  static final int VOCAB = 4000;

  /**
   * {@code n} tokens from a "model" with flat logits over {@code VOCAB} ids, biased by the session
   * and sampled at temperature {@code 1}: strong but not certain payload evidence.
   */
  static int[] generate(Watermarker w, int n, SplittableRandom r) {
    int[] out = new int[n];
    WatermarkSession s = w == null ? null : w.newSession();
    float[] logits = new float[VOCAB];
    double[] weights = new double[VOCAB];
    for (int i = 0; i < n; i++) {
      java.util.Arrays.fill(logits, 0f);
      if (s != null) {
        s.bias(logits);
      }
      double z = 0;
      for (int v = 0; v < VOCAB; v++) {
        weights[v] = Math.exp(logits[v]);
        z += weights[v];
      }
      double target = r.nextDouble() * z;
      int token = VOCAB - 1;
      for (int v = 0; v < VOCAB; v++) {
        target -= weights[v];
        if (target < 0) {
          token = v;
          break;
        }
      }
      out[i] = token;
      if (s != null) {
        s.accept(token);
      }
    }
    return out;
  }

  static WatermarkKey payloadKey(long seed, PayloadParameters pp) {
    return TestKeys.key(seed, GreenListParameters.builder().payload(pp).build());
  }

  @Test
  void payloadRoundTripsThroughSessionAndDecoder() {
    qt().withFixedSeed(0xA771_0001L)
        .withExamples(12)
        .withShrinkCycles(10)
        .forAll(longs().all(), integers().between(0, 2))
        .checkAssert(AttributionTest::roundTripsThroughSessionAndDecoder);
  }

  private static void roundTripsThroughSessionAndDecoder(long seed, int layout) {
    PayloadParameters[] layouts = {
      PayloadParameters.defaults(),
      new PayloadParameters(32, 2, 6.0),
      new PayloadParameters(24, 8, 8.0)
    };
    PayloadParameters pp = layouts[layout];
    WatermarkKey key = payloadKey(seed, pp);
    SplittableRandom r = new SplittableRandom(seed);
    long account = r.nextLong(pp.accounts());
    int[] ids = generate(Watermarker.forAccount(key, account), 2500, r);
    Attribution a = Attribution.of(key, TOKENIZER, AttributionPolicy.defaults());
    DocumentAttribution d = a.attributeTokens(ids, 0, ids.length);
    assertEquals(Outcome.ATTRIBUTED, d.outcome(), d.toString());
    assertEquals(account, d.account().getAsLong());
    assertEquals(account, d.candidates().get(0).account());
    assertTrue(d.correctedP().log10PValue() <= -3);
    assertEquals(d.votes(), a.votes(ids, 0, ids.length).votes());
  }

  @Test
  void unwatermarkedTextAndOtherKeysAreNotDecoded() {
    PayloadParameters pp = PayloadParameters.defaults();
    WatermarkKey key = payloadKey(1, pp);
    SplittableRandom r = new SplittableRandom(7);
    int[] plain = generate(null, 800, r);
    Attribution a = Attribution.of(key, TOKENIZER, AttributionPolicy.defaults());
    DocumentAttribution d = a.attributeTokens(plain, 0, plain.length);
    assertEquals(Outcome.NOT_WATERMARKED, d.outcome());
    assertTrue(d.candidates().isEmpty());
    assertTrue(d.account().isEmpty());
    assertEquals(1.0, d.correctedP().pValue());

    int[] otherKey = generate(Watermarker.forAccount(payloadKey(2, pp), 5), 800, r);
    assertEquals(Outcome.NOT_WATERMARKED, a.attributeTokens(otherKey, 0, 800).outcome());
  }

  @Test
  void zeroBitTextWithoutPayloadIsDetectedButNotAttributed() {
    PayloadParameters pp = PayloadParameters.defaults();
    WatermarkKey key = payloadKey(3, pp);
    int[] ids = generate(Watermarker.of(key), 800, new SplittableRandom(3));
    DocumentAttribution d =
        Attribution.of(key, TOKENIZER, AttributionPolicy.defaults()).attributeTokens(ids, 0, 800);
    assertTrue(d.zeroBit().pValue() < 1e-6);
    assertEquals(Outcome.INCONCLUSIVE, d.outcome());
    assertEquals(AttributionPolicy.DEFAULT_CANDIDATES, d.candidates().size());
  }

  @Test
  void aDocumentSetNamesEachAccountOnce() {
    PayloadParameters pp = PayloadParameters.defaults();
    WatermarkKey key = payloadKey(4, pp);
    SplittableRandom r = new SplittableRandom(4);
    Attribution a = Attribution.of(key, TOKENIZER, AttributionPolicy.defaults());
    List<DocumentAttribution> docs = new ArrayList<>();
    long[] sources = {11, 11, 11, 900_000, 900_000, -1, -1};
    for (long s : sources) {
      int[] ids = generate(s < 0 ? null : Watermarker.forAccount(key, s), 2000, r);
      docs.add(a.attributeTokens(ids, 0, ids.length));
    }
    CorpusAttribution c = Attribution.combine(docs, 1e-3);
    assertEquals(sources.length, c.holmAdjusted().size());
    assertEquals(2, c.accounts().size(), c.accounts().toString());
    assertEquals(
        List.of(11L, 900_000L),
        c.accounts().stream().map(CorpusAttribution.AccountFinding::account).sorted().toList());
    for (CorpusAttribution.AccountFinding f : c.accounts()) {
      assertEquals(f.account() == 11 ? 3 : 2, f.documents());
      assertTrue(f.pValue().log10PValue() <= -3);
    }
    assertTrue(Attribution.combine(List.of(), 1e-3).accounts().isEmpty());
  }

  @Test
  void pooledVotesOfShortDocumentsNameTheirAccount() {
    PayloadParameters pp = PayloadParameters.defaults();
    WatermarkKey key = payloadKey(5, pp);
    SplittableRandom r = new SplittableRandom(5);
    Attribution a = Attribution.of(key, TOKENIZER, AttributionPolicy.defaults());
    List<int[]> docs = new ArrayList<>();
    long[] perDoc = new long[pp.positions() * pp.colours()];
    for (int i = 0; i < 8; i++) {
      int[] ids = generate(Watermarker.forAccount(key, 77), 150, r);
      docs.add(ids);
      PayloadVotes v = a.votes(ids, 0, ids.length);
      for (int j = 0; j < pp.positions(); j++) {
        for (int c = 0; c < pp.colours(); c++) {
          perDoc[j * pp.colours() + c] += v.count(j, c);
        }
      }
    }
    PayloadVotes pooled = a.pooledVotes(docs);
    long sum = java.util.Arrays.stream(perDoc).sum();
    // one shared tape: a tuple repeated across documents votes once
    assertTrue(pooled.votes() <= sum && pooled.votes() >= sum - 8 * 3, pooled.votes() + " " + sum);
    assertEquals(77, pooled.decode());
    assertTrue(pooled.correctedP(77).log10PValue() < -3);
    docs.add(docs.get(0));
    assertEquals(pooled.votes(), a.pooledVotes(docs).votes());
  }

  @Test
  void attributionNeedsAPayloadKey() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            Attribution.of(
                TestKeys.key(1, GreenListParameters.defaults()),
                TOKENIZER,
                AttributionPolicy.defaults()));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            Attribution.of(
                TestKeys.key(1, GumbelParameters.defaults()),
                PayloadParameters.defaults(),
                TOKENIZER,
                AttributionPolicy.defaults()));
    assertThrows(IllegalArgumentException.class, () -> AttributionPolicy.defaults().withAlpha(0));
    assertThrows(
        IllegalArgumentException.class, () -> AttributionPolicy.defaults().withCandidates(0));
  }
}
