package dev.telltale.vllm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.telltale.detect.Detection;
import dev.telltale.detect.DetectionPolicy;
import dev.telltale.detect.Detector;
import dev.telltale.embed.WatermarkSession;
import dev.telltale.embed.Watermarker;
import dev.telltale.key.KeyId;
import dev.telltale.key.VllmConfig;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.VllmDedup;
import dev.telltale.scheme.VllmSbwParameters;
import dev.telltale.text.Tokenizers;
import java.math.BigInteger;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * vLLM's SBW with {@code lefthash} seeding, which has no goldens: checked against a straightforward
 * reference written here from vLLM's {@code sbw.py} (commits {@code d6d2f2c2} and {@code
 * caaac7c2}): the generator's seed is {@code key * sum(context)} in wrapping int64 (the C last
 * generated ids, -1 for padding), the candidate v is green when word {@code v % 4} of Philox4x32-10
 * at counter {@code (v / 4, 0, 0, 0)} under key {@code (seed_lo, seed_hi)}, masked to 31 bits, is
 * below {@code int(gamma * (2^31 - 1))}, and a green logit gets {@code + delta}. (vLLM's detector
 * at those commits seeds with the sum of hashed ids instead, so it cannot read its own generator's
 * lefthash marks; Telltale follows the generator.) Generation runs without deduplication, so every
 * step is watermarked; detection counts distinct (seed, token) pairs.
 */
class VllmSbwLefthashTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void embeddingAndDetectionMatchTheReference() {
    qt().withFixedSeed(20261206L)
        .withExamples(60)
        .forAll(longs().all(), longs().all(), integers().between(1, 4))
        .checkAssert(VllmSbwLefthashTest::matchesReference);
  }

  private static void matchesReference(long seed, long key, int cw) {
    SplittableRandom r = new SplittableRandom(seed);
    double gamma = 0.1 + 0.8 * r.nextDouble();
    double delta = 0.5 + 4 * r.nextDouble();
    VllmSbwParameters p =
        new VllmSbwParameters(
            cw,
            VllmDedup.NONE,
            OptionalInt.empty(),
            true,
            gamma,
            delta,
            VllmSbwParameters.LEFTHASH);
    WatermarkKey k = WatermarkKey.ofVllm(KeyId.of("lh"), p, key, T0);
    int vocab = 20 + r.nextInt(300);
    int[] prompt = new int[r.nextInt(4)];
    for (int i = 0; i < prompt.length; i++) {
      prompt[i] = r.nextInt(vocab);
    }
    WatermarkSession s = Watermarker.of(k).newSession(prompt, 0, prompt.length);
    int steps = 40 + r.nextInt(40);
    int[] out = new int[steps];
    int threshold = (int) (gamma * 0x7FFFFFFF);
    for (int t = 0; t < steps; t++) {
      float[] logits = new float[vocab];
      for (int i = 0; i < vocab; i++) {
        logits[i] = (float) (2 * r.nextGaussian());
      }
      float[] want = logits.clone();
      long sd = seed(key, out, t, cw);
      for (int v = 0; v < vocab; v++) {
        if (green(sd, v, threshold)) {
          want[v] += (float) delta;
        }
      }
      s.bias(logits);
      assertArrayEquals(want, logits, "step " + t);
      int best = 0;
      for (int v = 1; v < vocab; v++) {
        best = logits[v] > logits[best] ? v : best;
      }
      out[t] = best;
      s.accept(best);
    }
    // Detection: each distinct (seed, token) pair once, green share threshold / 2^31
    Map<String, Boolean> pairs = new HashMap<>();
    for (int t = 0; t < steps; t++) {
      long sd = seed(key, out, t, cw);
      pairs.putIfAbsent(sd + "/" + out[t], green(sd, out[t], threshold));
    }
    long g = pairs.values().stream().filter(b -> b).count();
    Detection d =
        Detector.of(k, Tokenizers.cl100kBase(), DetectionPolicy.defaults())
            .detectTokens(out, 0, steps);
    assertEquals(pairs.size(), d.scoredTokens());
    assertEquals(g, d.greenTokens().getAsLong());
    assertEquals(threshold / 0x1p31, p.effectiveGamma());
  }

  @Test
  void theConfigurationNamesItsSeeding() {
    VllmSbwParameters lh =
        new VllmSbwParameters(
            1, VllmDedup.SINGLE_TURN, OptionalInt.of(8192), true, 0.5, 2.0, "lefthash");
    assertEquals("lefthash", VllmConfig.profileJson(lh).get("sbw_scheme").asText());
    assertTrue(lh.profile().contains("sbw_scheme=lefthash"), lh.profile());
    VllmSbwParameters sh =
        new VllmSbwParameters(1, VllmDedup.SINGLE_TURN, OptionalInt.of(8192), true, 0.5, 2.0);
    assertEquals("selfhash", sh.sbwScheme());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new VllmSbwParameters(
                1, VllmDedup.SINGLE_TURN, OptionalInt.empty(), true, 0.5, 2.0, "righthash"));
  }

  // key * (sum of the cw ids before position t, -1 before the first), modulo 2^64, as int64
  private static long seed(long key, int[] generated, int t, int cw) {
    BigInteger sum = BigInteger.ZERO;
    for (int i = t - cw; i < t; i++) {
      sum = sum.add(BigInteger.valueOf(i < 0 ? -1 : generated[i]));
    }
    BigInteger k = new BigInteger(Long.toUnsignedString(key));
    return k.multiply(sum).mod(BigInteger.ONE.shiftLeft(64)).longValue();
  }

  private static boolean green(long seed, int v, int threshold) {
    long[] c = {v / 4, 0, 0, 0};
    long k0 = seed & 0xFFFFFFFFL;
    long k1 = (seed >>> 32) & 0xFFFFFFFFL;
    for (int round = 0; round < 10; round++) {
      long p0 = 0xD2511F53L * c[0];
      long p1 = 0xCD9E8D57L * c[2];
      long[] n = {
        ((p1 >>> 32) ^ c[1] ^ k0) & 0xFFFFFFFFL,
        p1 & 0xFFFFFFFFL,
        ((p0 >>> 32) ^ c[3] ^ k1) & 0xFFFFFFFFL,
        p0 & 0xFFFFFFFFL
      };
      c = n;
      k0 = (k0 + 0x9E3779B9L) & 0xFFFFFFFFL;
      k1 = (k1 + 0xBB67AE85L) & 0xFFFFFFFFL;
    }
    return (c[v % 4] & 0x7FFFFFFFL) < threshold;
  }
}
