package dev.telltale.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.telltale.TestKeys;
import dev.telltale.detect.DetectionPolicy;
import dev.telltale.detect.Detector;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.scheme.PayloadParameters;
import dev.telltale.scheme.PrfVersion;
import dev.telltale.text.Tokenizers;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A PRF v2 session biases exactly its green tokens on every path: the full-vocabulary kernel (the
 * vector one in this build), the candidate form, the batch's offset kernel and the payload loop.
 */
class PrfV2SessionTest {
  @Test
  void everyBiasPathAddsDeltaToExactlyTheGreenTokens() {
    qt().withFixedSeed(0xB2L)
        .withExamples(60)
        .forAll(longs().all(), integers().between(1, 3000), integers().between(0, 2))
        .checkAssert(
            (seed, vocab, kind) -> {
              GreenListParameters p =
                  kind == 2
                      ? GreenListParameters.defaults().withPayload(PayloadParameters.defaults())
                      : GreenListParameters.builder().gamma(0.3).contextWidth(1 + kind).build();
              Watermarker w =
                  kind == 2
                      ? Watermarker.forAccount(TestKeys.key(seed, p, PrfVersion.V2), 7)
                      : Watermarker.of(TestKeys.key(seed, p, PrfVersion.V2));
              SplittableRandom r = new SplittableRandom(seed);
              int[] prompt = r.ints(4, 0, vocab).toArray();
              WatermarkSession s = w.newSession(prompt, 0, prompt.length);
              float[] full = new float[vocab];
              s.bias(full);
              int[] cand = r.ints(Math.min(vocab, 300), 0, vocab).toArray();
              float[] some = new float[cand.length];
              s.bias(some, cand, cand.length);
              for (int v = 0; v < vocab; v++) {
                if (!s.isGreen(v)) {
                  assertEquals(0f, full[v], "token " + v);
                } else {
                  assertEquals(true, full[v] >= (float) p.delta(), "token " + v);
                }
              }
              for (int i = 0; i < cand.length; i++) {
                assertEquals(full[cand[i]], some[i], "candidate " + i);
              }
              if (kind < 2) {
                SessionBatch batch = new SessionBatch(new WatermarkSession[] {s}, 1);
                float[] row = new float[vocab + 5];
                batch.bias(row, new int[] {5}, 1, vocab);
                for (int v = 0; v < vocab; v++) {
                  assertEquals(full[v], row[5 + v], "batch token " + v);
                }
              }
            });
  }

  /**
   * Gumbel sampling and detection read the same v2 bits: text a v2 Gumbel key generated is detected
   * by that key and not by the v1 key with the same secret (which a sampler reading v1 bits would
   * produce).
   */
  @Test
  void aV2GumbelKeyDetectsWhatItSampled() {
    GumbelParameters p = GumbelParameters.defaults();
    WatermarkKey v2 = TestKeys.key(41, p, PrfVersion.V2);
    WatermarkKey v1 = TestKeys.key(41, p, PrfVersion.V1);
    SplittableRandom r = new SplittableRandom(41);
    int vocab = 4000;
    int[] ids = new int[402];
    ids[0] = 5;
    ids[1] = 6;
    WatermarkSession s = Watermarker.of(v2).newSession(ids, 0, 2);
    float[] logits = new float[vocab];
    for (int i = 2; i < ids.length; i++) {
      for (int v = 0; v < vocab; v++) {
        logits[v] = (float) r.nextGaussian();
      }
      ids[i] = s.sample(logits, 1.0, r);
      s.accept(ids[i]);
    }
    double p2 =
        Detector.of(v2, Tokenizers.cl100kBase(), DetectionPolicy.defaults())
            .detectTokens(ids, 0, ids.length)
            .pValue();
    double p1 =
        Detector.of(v1, Tokenizers.cl100kBase(), DetectionPolicy.defaults())
            .detectTokens(ids, 0, ids.length)
            .pValue();
    assertTrue(p2 < 1e-12, "v2 key on its own text: p = " + p2);
    assertTrue(p1 > 1e-4, "v1 key on v2 text: p = " + p1);
  }
}
