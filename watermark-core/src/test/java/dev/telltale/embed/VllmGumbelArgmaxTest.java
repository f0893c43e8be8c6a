package dev.telltale.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.telltale.key.KeyId;
import dev.telltale.key.WatermarkKey;
import dev.telltale.prf.Philox4x32;
import dev.telltale.scheme.VllmDedup;
import dev.telltale.scheme.VllmGumbelParameters;
import java.time.Instant;
import java.util.Arrays;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * vLLM Gumbel sampling with its logarithm-sparing bound picks what vLLM's rule picks: the first
 * index of the largest float32 {@code l / T + (-ln(-ln u))}, every candidate's word and both
 * logarithms computed, over random keys, contexts, logits (ties, duplicated candidates, -inf, wide
 * and narrow scales) and temperatures.
 */
class VllmGumbelArgmaxTest {
  private static final double[] TEMPERATURES = {1.0, 0.7, 1.3, 0.05, 4.0, 1e-3, 1e6};

  /**
   * vLLM's rule written out: every candidate, both float logarithms, the first index of the max.
   */
  static int reference(
      float[] logits, int[] candidates, int n, double temperature, long key, int[] state) {
    float invT = (float) (1.0 / temperature);
    int bestIndex = -1;
    float best = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      int w = Philox4x32.tokenWord(key, state, candidates == null ? i : candidates[i]);
      float u = Math.max(Philox4x32.uniform(w), Float.MIN_NORMAL);
      float l1 = (float) Math.log(u);
      float l2 = (float) Math.log(-l1);
      float l = invT == 1f ? logits[i] : logits[i] * invT;
      float x = l + (-l2);
      if (bestIndex < 0 || x > best) {
        best = x;
        bestIndex = i;
      }
    }
    return bestIndex;
  }

  @Test
  void samplerPicksWhatTheReferencePicks() {
    qt().withFixedSeed(0x7711_0015L)
        .withExamples(40)
        .forAll(longs().all(), integers().between(1, 4))
        .checkAssert((s, width) -> generation(s, width));
  }

  private static void generation(long s, int width) {
    SplittableRandom rnd = new SplittableRandom(s);
    long key = rnd.nextLong();
    WatermarkKey k =
        WatermarkKey.ofVllm(
            KeyId.of("prop"),
            new VllmGumbelParameters(width, VllmDedup.NONE, OptionalInt.empty(), true),
            key,
            Instant.EPOCH);
    WatermarkSession session = Watermarker.of(k).newSession();
    int[] generated = new int[400];
    int[] state = new int[4];
    for (int t = 0; t < 300; t++) {
      Philox4x32.absorb(key, generated, 0, t, width, state);
      GumbelArgmaxTest.Step st =
          GumbelArgmaxTest.step(rnd.nextLong(), 1 + rnd.nextInt(400), rnd.nextInt(1000));
      float[] logits = st.logits();
      for (int i = 0; i < logits.length; i++) {
        if (Float.isNaN(logits[i]) || logits[i] == Float.POSITIVE_INFINITY) {
          logits[i] = 0f; // vLLM's logits are finite or -inf
        }
      }
      if (logits[0] == Float.NEGATIVE_INFINITY) {
        logits[0] = 1f;
      }
      double temperature = TEMPERATURES[rnd.nextInt(TEMPERATURES.length)];
      int n = st.n();
      int[] c = st.candidates();
      int expected = reference(logits, c, n, temperature, key, state);
      int token =
          c == null
              ? session.sample(Arrays.copyOf(logits, n), temperature, rnd)
              : session.sample(logits, c, n, temperature, rnd);
      assertEquals(c == null ? expected : c[expected], token, () -> "step " + st);
      session.accept(token);
      generated[t] = token;
    }
  }
}
