package dev.telltale.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.telltale.TestKeys;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.PayloadParameters;
import dev.telltale.scheme.PrfVersion;
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
}
