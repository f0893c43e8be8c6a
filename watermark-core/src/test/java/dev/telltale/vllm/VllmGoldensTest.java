package dev.telltale.vllm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telltale.detect.Detection;
import dev.telltale.detect.DetectionPolicy;
import dev.telltale.detect.Detector;
import dev.telltale.detect.VllmFigures;
import dev.telltale.embed.VllmGenerationTrace;
import dev.telltale.embed.WatermarkSession;
import dev.telltale.embed.Watermarker;
import dev.telltale.scheme.VllmGumbelParameters;
import dev.telltale.scheme.VllmSynthIdParameters;
import dev.telltale.text.Tokenizers;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every candidate of vLLM's frozen goldens, reproduced by Telltale's embed path (the session driven
 * by the fixture's logits) and its detector (scoring the stored ids).
 */
class VllmGoldensTest {
  static Stream<VllmGoldens.Candidate> candidates() {
    return Stream.of(VllmGoldens.all(), VllmGoldens.redGreen(), VllmGoldens.synthId())
        .flatMap(List::stream);
  }

  @Test
  void theGoldensHoldAllTwentySevenCandidates() {
    List<VllmGoldens.Candidate> all = VllmGoldens.all();
    assertEquals(27, all.size());
    assertEquals(14, all.stream().filter(c -> c.scheme().equals("gumbel")).count());
    assertEquals(9, all.stream().filter(c -> c.scheme().equals("dual_key_gumbel")).count());
    assertEquals(4, all.stream().filter(c -> c.scheme().equals("sbw")).count());
    assertEquals(3, VllmGoldens.redGreen().size());
    assertEquals(2, VllmGoldens.synthId().size());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("candidates")
  void generationMatchesTokenForToken(VllmGoldens.Candidate c) {
    Watermarker w = Watermarker.of(c.generationKey());
    int[] prompt = c.prompt();
    WatermarkSession s = w.newSession(prompt, 0, prompt.length);
    // SBW and red-green bias the logits; SynthID replaces them by its reweighted log-probabilities
    boolean sbw = c.parameters().embedsThroughBias();
    RoutingDraws draws = new RoutingDraws();
    int[] out = new int[c.numTokens()];
    int[] one = new int[1];
    for (int p = 0; p < out.length; p++) {
      float[] logits = c.logits(p);
      int token;
      if (sbw) {
        s.bias(logits);
        token = argmax(logits);
      } else if (s.watermarking()) {
        token = s.sample(logits, 1.0, draws);
      } else {
        // the fixture's sampler at a skipped step: the argmax of the unbiased logits
        one[0] = argmax(logits);
        float[] l = {logits[one[0]]};
        token = s.sample(l, one, 1, 1.0, draws);
      }
      s.accept(token);
      out[p] = token;
    }
    assertArrayEquals(c.generation(), out, c.name());
    VllmGenerationTrace t = s.vllmTrace().orElseThrow();
    JsonNode gt = c.trace();
    assertEquals(gt.get("routing_draws").asLong(), t.routingDraws(), "routing_draws");
    assertEquals(gt.get("dedup_skips").asLong(), t.dedupSkips(), "dedup_skips");
    assertEquals(
        gt.get("partial_context_skips").asLong(), t.partialContextSkips(), "partial_context_skips");
    if (gt.get("key_b_routed").isNull()) {
      assertEquals(0, t.keyBRouted());
      assertEquals(0, t.keyBEffective());
    } else {
      assertEquals(gt.get("key_b_routed").asLong(), t.keyBRouted(), "key_b_routed");
      assertEquals(gt.get("key_b_effective").asLong(), t.keyBEffective(), "key_b_effective");
    }
    assertEquals(draws.count, t.routingDraws(), "every routing draw came from the caller");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("candidates")
  void detectionMatchesVllmsFigures(VllmGoldens.Candidate c) {
    Detector d =
        Detector.of(c.detectionKeyObject(), Tokenizers.cl100kBase(), DetectionPolicy.defaults());
    int[] ids = c.generation();
    VllmFigures f = d.vllmFigures(ids, 0, ids.length).orElseThrow();
    JsonNode g = c.detection();
    assertEquals(g.get("num_scored_tokens").asLong(), f.scoredTokens(), "num_scored_tokens");
    assertClose(g.get("score").asDouble(), f.score(), "score");
    assertClose(g.get("p_value").asDouble(), f.pValue(), "p_value");
    assertClose(g.get("p_value_ratio").asDouble(), f.pValue() / c.threshold(), "p_value_ratio");
    assertEquals(g.get("is_watermarked").asBoolean(), f.pValue() <= c.threshold());

    Detection det = d.detectTokens(ids, 0, ids.length);
    assertEquals(f.pValue(), det.vllmPValue().orElseThrow());
    if ((c.parameters() instanceof VllmGumbelParameters
            || c.parameters() instanceof dev.telltale.scheme.VllmRedGreenParameters)
        && c.parameters().detectionDedup()) {
      // The same tuples as vLLM; for Gumbel the same gamma tail, so Telltale's exact p-value is
      // vLLM's. Red-green's exact null share differs from gamma by under 1e-7 (float uniforms).
      assertEquals(f.scoredTokens(), det.scoredTokens());
      assertEquals(f.score(), det.score());
      if (c.parameters() instanceof VllmGumbelParameters) {
        assertClose(g.get("p_value").asDouble(), det.pValue(), "telltale p_value");
      }
    }
    if (c.parameters() instanceof VllmSynthIdParameters si) {
      // Telltale scores the same tokens; its statistic is the count of g-values equal to 1, whose
      // exact binomial tail is the p-value vLLM computes from the mean.
      assertEquals(f.scoredTokens(), det.scoredTokens());
      assertEquals(f.score() * f.scoredTokens() * si.depth(), det.score());
      assertEquals(f.scoredTokens() * si.depth() / 2.0, det.expectedScore());
      assertClose(g.get("p_value").asDouble(), det.pValue(), "telltale p_value");
    }
  }

  static void assertClose(double expected, double actual, String what) {
    double tol = Math.max(1e-300, 1e-9 * Math.max(Math.abs(expected), Math.abs(actual)));
    assertTrue(
        Math.abs(expected - actual) <= tol, what + ": expected " + expected + ", got " + actual);
  }

  static int argmax(float[] l) {
    int best = 0;
    for (int i = 1; i < l.length; i++) {
      if (l[i] > l[best]) {
        best = i;
      }
    }
    return best;
  }

  /** The goldens' routing uniforms, in order, as the caller's random generator. */
  static final class RoutingDraws implements RandomGenerator {
    int count;

    @Override
    public double nextDouble() {
      return VllmGoldens.routingUniform(count++);
    }

    @Override
    public long nextLong() {
      throw new AssertionError("only routing draws are expected");
    }
  }
}
