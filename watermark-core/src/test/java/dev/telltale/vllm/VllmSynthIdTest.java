package dev.telltale.vllm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.detect.Detection;
import dev.telltale.detect.DetectionPolicy;
import dev.telltale.detect.Detector;
import dev.telltale.detect.VllmFigures;
import dev.telltale.detect.WindowResult;
import dev.telltale.embed.WatermarkSession;
import dev.telltale.embed.Watermarker;
import dev.telltale.key.KeyFileException;
import dev.telltale.key.KeyId;
import dev.telltale.key.VllmConfig;
import dev.telltale.key.WatermarkKey;
import dev.telltale.prf.Philox4x32;
import dev.telltale.scheme.VllmDedup;
import dev.telltale.scheme.VllmSynthIdParameters;
import dev.telltale.stats.Tails;
import dev.telltale.stats.VllmTails;
import dev.telltale.text.Tokenizers;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * vLLM's SynthID beyond its two goldens, after vLLM's own {@code test_synthid.py}: the reweighting
 * follows the Philox bits, the detector counts independent bits with an exact binomial tail, its
 * context deduplication, and the configuration it is imported from.
 */
class VllmSynthIdTest {
  static VllmSynthIdParameters params(int cw, int depth, VllmDedup dedup) {
    return new VllmSynthIdParameters(cw, dedup, OptionalInt.of(8192), true, depth);
  }

  static WatermarkKey key(VllmSynthIdParameters p, long key) {
    return WatermarkKey.ofVllm(KeyId.of("synthid"), p, key, Instant.EPOCH);
  }

  @ParameterizedTest
  @CsvSource({"0, 1", "42, 5", "-1, 32"})
  void reweightingFollowsThePhiloxBits(long k, int depth) {
    VllmSynthIdParameters p = params(3, depth, VllmDedup.NONE);
    WatermarkSession s = Watermarker.of(key(p, k)).newSession();
    s.accept(7); // context [-1, -1, 7]
    float[] logits = {0.2f, -0.3f, 0.7f, -1.1f};
    float[] out = logits.clone();
    s.bias(out);

    int[] st = new int[4];
    Philox4x32.absorb(k, new int[] {7}, 0, 1, 3, st);
    double[] probs = new double[4];
    double z = 0;
    for (int v = 0; v < 4; v++) {
      probs[v] = Math.exp(logits[v]);
      z += probs[v];
    }
    for (int v = 0; v < 4; v++) {
      probs[v] /= z;
    }
    for (int d = 0; d < depth; d++) {
      double mass = 0;
      for (int v = 0; v < 4; v++) {
        mass += ((Philox4x32.tokenWord(k, st, v) >>> d) & 1) * probs[v];
      }
      for (int v = 0; v < 4; v++) {
        probs[v] *= 1 + ((Philox4x32.tokenWord(k, st, v) >>> d) & 1) - mass;
      }
    }
    double sum = 0;
    for (int v = 0; v < 4; v++) {
      assertEquals(probs[v], Math.exp(out[v]), 1e-6, "token " + v);
      sum += Math.exp(out[v]);
    }
    assertEquals(1.0, sum, 1e-6);
  }

  @Test
  void aRepeatedContextKeepsItsLogitsAndCountsASkip() {
    WatermarkSession s = Watermarker.of(key(params(1, 4, VllmDedup.SINGLE_TURN), 42)).newSession();
    float[] logits = {0.5f, 0.1f, -0.2f};
    s.bias(logits.clone()); // context [-1]
    s.accept(1);
    float[] second = logits.clone();
    s.bias(second); // context [1]
    assertFalse(java.util.Arrays.equals(logits, second));
    s.accept(1);
    assertFalse(s.watermarking()); // context [1] again
    float[] third = logits.clone();
    s.bias(third);
    assertArrayEquals(logits, third);
    assertEquals(1, s.vllmTrace().orElseThrow().dedupSkips());
  }

  @Test
  void synthIdEmbedsThroughBiasOnly() {
    WatermarkSession s = Watermarker.of(key(params(4, 32, VllmDedup.NONE), 3)).newSession();
    assertThrows(IllegalStateException.class, () -> s.sample(new float[4], 1.0, null));
    assertThrows(IllegalStateException.class, () -> s.isGreen(1));
    assertTrue(params(4, 32, VllmDedup.NONE).embedsThroughBias());
    assertFalse(params(4, 32, VllmDedup.NONE).countsGreen());
  }

  @ParameterizedTest
  @CsvSource({"0, 1, 1", "42, 2, 3", "-1, 4, 32"})
  void detectionCountsIndependentBitsWithAnExactBinomialTail(long k, int cw, int depth) {
    int[] tokens = {3, 5, 7, 11, 13, 17};
    long hits = 0;
    int[] st = new int[4];
    for (int i = 0; i < tokens.length; i++) {
      Philox4x32.absorb(k, tokens, 0, i, cw, st);
      int w = Philox4x32.tokenWord(k, st, tokens[i]);
      for (int b = 0; b < depth; b++) {
        hits += (w >>> b) & 1;
      }
    }
    int trials = tokens.length * depth;
    BigInteger tail = BigInteger.ZERO;
    for (int j = (int) hits; j <= trials; j++) {
      tail = tail.add(binomial(trials, j));
    }
    double exact =
        new BigDecimal(tail)
            .divide(new BigDecimal(BigInteger.ONE.shiftLeft(trials)), MathContext.DECIMAL64)
            .doubleValue();

    Detector d =
        Detector.of(
            key(params(cw, depth, VllmDedup.SINGLE_TURN), k),
            Tokenizers.cl100kBase(),
            DetectionPolicy.defaults());
    VllmFigures f = d.vllmFigures(tokens, 0, tokens.length).orElseThrow();
    assertEquals(tokens.length, f.scoredTokens());
    assertEquals((double) hits / trials, f.score());
    assertEquals(exact, f.pValue(), 1e-12 * exact);
    Detection det = d.detectTokens(tokens, 0, tokens.length);
    assertEquals(hits, (long) det.score());
    assertEquals(exact, det.pValue(), 1e-9 * exact);
    assertEquals(tokens.length * depth / 2.0, det.expectedScore());
  }

  @Test
  void detectionScoresEachContextOnce() {
    Detector d =
        Detector.of(
            key(params(1, 4, VllmDedup.SINGLE_TURN), 42),
            Tokenizers.cl100kBase(),
            DetectionPolicy.defaults());
    int[] repeated = {1, 1, 1, 1, 1};
    assertEquals(2, d.vllmFigures(repeated, 0, 5).orElseThrow().scoredTokens());
    assertEquals(2, d.detectTokens(repeated, 0, 5).scoredTokens());
    Detection empty = d.detectTokens(new int[0], 0, 0);
    assertEquals(0, empty.scoredTokens());
    assertEquals(1.0, empty.pValue());
    assertEquals(1.0, d.vllmFigures(new int[0], 0, 0).orElseThrow().pValue());
  }

  @Test
  void aWatermarkedPassageInsideRandomTokensIsFoundByTheWindowSearch() {
    VllmSynthIdParameters p = params(4, 32, VllmDedup.SINGLE_TURN);
    WatermarkKey k = key(p, 0xC0FFEEL);
    SplittableRandom r = new SplittableRandom(3);
    int[] ids = new int[900];
    for (int i = 0; i < 300; i++) {
      ids[i] = r.nextInt(5000);
    }
    WatermarkSession s = Watermarker.of(k).newSession();
    float[] l = new float[64];
    for (int i = 300; i < 600; i++) {
      for (int v = 0; v < l.length; v++) {
        l[v] = (float) r.nextGaussian();
      }
      s.bias(l);
      double u = r.nextDouble();
      int t = l.length - 1;
      for (int v = 0; v < l.length; v++) {
        u -= Math.exp(l[v]);
        if (u <= 0) {
          t = v;
          break;
        }
      }
      ids[i] = 5000 + t; // the passage's own ids: its contexts are new
      s.accept(t);
    }
    for (int i = 600; i < 900; i++) {
      ids[i] = r.nextInt(5000);
    }
    // The session saw candidate indices 0..63; the detector reads the same ids.
    int[] passage = new int[300];
    for (int i = 0; i < 300; i++) {
      passage[i] = ids[300 + i] - 5000;
    }
    Detector d =
        Detector.of(k, Tokenizers.cl100kBase(), DetectionPolicy.defaults().withWindow(true));
    Detection alone = d.detectTokens(passage, 0, passage.length);
    assertTrue(alone.log10PValue() < -10, "passage alone " + alone.log10PValue());
    int[] mixed = ids.clone();
    System.arraycopy(passage, 0, mixed, 300, 300);
    Detection det = d.detectTokens(mixed, 0, mixed.length);
    WindowResult w = det.window().orElseThrow();
    assertTrue(w.corrected().log10PValue() < -6, "window " + w);
    assertTrue(w.startToken() >= 250 && w.endToken() <= 650, "window " + w);
    assertEquals(dev.telltale.detect.Verdict.WATERMARKED, det.verdict());
    // the human tokens around it dilute the global test, not the window's
    assertTrue(det.global().log10PValue() > alone.log10PValue(), det.toString());
  }

  @Test
  void vllmsTailIsTheExactBinomialTail() {
    SplittableRandom r = new SplittableRandom(11);
    for (int t = 0; t < 400; t++) {
      long trials = 1 + r.nextInt(2000);
      long hits = r.nextLong(trials + 1);
      double exact = Tails.binomialUpper(trials, hits, 0.5).pValue();
      double vllm = VllmTails.synthId(hits, trials);
      if (exact > 1e-290) {
        assertEquals(exact, vllm, 1e-9 * exact, hits + "/" + trials);
      }
    }
  }

  @Test
  void importReadsDepthAndWritesItBack() throws Exception {
    String base =
        "{\"algorithm\":\"synthid\",\"alpha\":0.1,\"context_width\":3,"
            + "\"deduplicate_contexts\":\"single_turn\",\"deduplicate_contexts_max_history\":8192,"
            + "\"prf\":\"philox\",\"allow_target_only_watermarking\":false,\"key\":42";
    VllmConfig.Imported i = VllmConfig.parse(bytes(base + ",\"depth\":7}"), "t");
    assertEquals(
        new VllmSynthIdParameters(3, VllmDedup.SINGLE_TURN, OptionalInt.of(8192), true, 7),
        i.parameters());
    assertEquals(7, VllmConfig.profileJson(i.parameters()).get("depth").asInt());
    assertTrue(i.parameters().profile().endsWith(" depth=7"), i.parameters().profile());
    assertEquals(
        32,
        ((VllmSynthIdParameters) VllmConfig.parse(bytes(base + "}"), "t").parameters()).depth());
    for (String bad : new String[] {",\"depth\":0}", ",\"depth\":33}", ",\"depth\":1.5}"}) {
      assertThrows(KeyFileException.class, () -> VllmConfig.parse(bytes(base + bad), "t"), bad);
    }
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static BigInteger binomial(int n, int k) {
    BigInteger c = BigInteger.ONE;
    for (int i = 0; i < k; i++) {
      c = c.multiply(BigInteger.valueOf(n - i)).divide(BigInteger.valueOf(i + 1));
    }
    return c;
  }
}
