package dev.telltale.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.embed.WatermarkSession;
import dev.telltale.embed.Watermarker;
import dev.telltale.key.KeyId;
import dev.telltale.key.SecretAccess;
import dev.telltale.key.SecretBytes;
import dev.telltale.key.WatermarkKey;
import dev.telltale.prf.WatermarkPrf;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.PrfVersion;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The published known-answer vectors ({@code prf-vectors.json}, a testdata resource) hold for
 * watermark-core and for an independent implementation from the specification, for every PRF
 * version: a vector without {@code "prf"} is v1 (the vectors published before versioning,
 * unchanged), {@code "prf":"v2"} marks v2's. Regenerate with {@code -Dtelltale.writeVectors=PATH}
 * only when a PRF version is added.
 */
class KnownAnswerVectorsTest {
  static final String RESOURCE = "/dev/telltale/testdata/prf-vectors.json";
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void coreAndAnIndependentImplementationReproduceEveryVector() throws Exception {
    JsonNode root;
    try (InputStream in = KnownAnswerVectorsTest.class.getResourceAsStream(RESOURCE)) {
      root = new ObjectMapper().readTree(in);
    }
    JsonNode vectors = root.get("vectors");
    assertTrue(vectors.size() >= 40);
    int v2Vectors = 0;
    for (JsonNode v : vectors) {
      PrfVersion version =
          v.has("prf") ? PrfVersion.of(v.get("prf").asText()).orElseThrow() : PrfVersion.V1;
      v2Vectors += version == PrfVersion.V2 ? 1 : 0;
      byte[] secret = HEX.parseHex(v.get("secret_hex").asText());
      int h = v.get("context_width").asInt();
      double gamma = v.get("gamma").asDouble();
      boolean selfHash = v.get("self_hash").asBoolean();
      int[] ctx = new ObjectMapper().convertValue(v.get("context"), int[].class);
      int token = v.get("token").asInt();
      String where = "vector " + v.get("name").asText();

      // independent implementation
      byte[] seedKey = IndependentPrf.seedKey(secret);
      assertEquals(v.get("seed_key_hex").asText(), HEX.formatHex(seedKey), where);
      long seed =
          version == PrfVersion.V2
              ? IndependentPrf.seedV2(seedKey, ctx, selfHash, token)
              : IndependentPrf.seed(seedKey, IndependentPrf.words(ctx, selfHash, token));
      long bits =
          version == PrfVersion.V2
              ? IndependentPrf.bitsV2(seed, token)
              : IndependentPrf.bits(seed, token);
      assertEquals(v.get("seed_hex").asText(), String.format("%016x", seed), where);
      assertEquals(v.get("bits_hex").asText(), String.format("%016x", bits), where);
      assertEquals(v.get("green").asBoolean(), IndependentPrf.green(bits, gamma), where);
      assertEquals(v.get("gumbel_r").asDouble(), IndependentPrf.gumbelR(bits), 0.0, where);

      // watermark-core
      WatermarkKey key =
          WatermarkKey.of(
              KeyId.of("kat"),
              GreenListParameters.builder().gamma(gamma).contextWidth(h).selfHash(selfHash).build(),
              SecretBytes.copyOf(secret, SecretAccess.get()),
              Instant.EPOCH,
              version);
      WatermarkPrf prf = WatermarkPrf.of(key);
      long coreSeed = selfHash ? prf.selfHashSeed(ctx, h, token) : prf.contextSeed(ctx, h);
      assertEquals(seed, coreSeed, where);
      assertEquals(bits, prf.tokenBits(coreSeed, token), where);
      assertEquals(v.get("gumbel_r").asDouble(), WatermarkPrf.uniform(bits), 0.0, where);
      assertEquals(
          v.get("gumbel_score").asDouble(),
          WatermarkPrf.gumbelScore(bits),
          1e-12 * Math.abs(v.get("gumbel_score").asDouble()) + 1e-15,
          where);
      WatermarkSession s = Watermarker.of(key).newSession(ctx, 0, h);
      assertEquals(v.get("green").asBoolean(), s.isGreen(token), where);
    }
    assertTrue(v2Vectors >= 20, "v2 vectors: " + v2Vectors);
  }

  /**
   * The committed file is exactly what the generator below writes, so regenerating it after a PRF
   * change starts from the published vectors, not from a drifted copy.
   */
  @Test
  void theCommittedFileIsWhatTheGeneratorWrites() throws Exception {
    String committed;
    try (InputStream in = KnownAnswerVectorsTest.class.getResourceAsStream(RESOURCE)) {
      committed = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    assertEquals(committed, vectorsJson());
  }

  /** Writes a fresh vector file from the independent implementation; runs only when asked. */
  @Test
  @EnabledIfSystemProperty(named = "telltale.writeVectors", matches = ".+")
  void writeVectorsWhenAsked() throws Exception {
    Path target = Path.of(System.getProperty("telltale.writeVectors"));
    Files.writeString(target, vectorsJson());
    assertEquals(vectorsJson(), Files.readString(target));
  }

  /** The vector file, from the independent implementation. */
  static String vectorsJson() throws Exception {
    ObjectMapper m = new ObjectMapper();
    ObjectNode root = m.createObjectNode();
    root.put("version", 2);
    root.put(
        "about",
        "Telltale watermark PRF v1 (vectors without 'prf') and v2 ('prf':'v2'). v1: seed_key = HKDF-SHA256(ikm=secret, salt='telltale/v1',"
            + " info='telltale/v1/context-seed', 16 bytes); seed = SipHash-2-4(seed_key, LE64(t[i-h])"
            + " .. LE64(t[i-1]) [, LE64(token) when self_hash]); bits = SplitMix64 finalizer of"
            + " (seed XOR token * 0x9E3779B97F4A7C15); green iff bits >>> 11 < floor(gamma * 2^53);"
            + " gumbel_r = ((bits >>> 11) + 0.5) / 2^53; gumbel_score = -ln(1 - gumbel_r). v2:"
            + " the same seed_key; seed = SipHash-1-3(seed_key, LE32(t[i-h]) .. LE32(t[i-1]) [,"
            + " LE32(token) when self_hash]); bits = hi << 32 | lo, all 32-bit arithmetic mod 2^32,"
            + " s_lo and s_hi the low and high halves of seed: hi = mix(token ^ s_lo, s_hi,"
            + " 0x7feb352d, 0x846ca68b), lo = mix(token ^ s_hi, s_lo, 0xed5ad4bb, 0xac4c1b51),"
            + " mix(x, k, m1, m2): x = (x ^ x >>> 16) * m1; x ^= k; x = (x ^ x >>> 15) * m2;"
            + " return x ^ x >>> 16; green, gumbel_r and gumbel_score as in v1.");
    ArrayNode arr = root.putArray("vectors");
    addVectors(m, arr, PrfVersion.V1, new SplittableRandom(20261123L));
    // v2 from its own stream, so the v1 vectors above stay exactly as published
    addVectors(m, arr, PrfVersion.V2, new SplittableRandom(20261206L));
    return m.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
  }

  /**
   * Appends 24 vectors of {@code version}, drawn from {@code r}: v1's are named {@code v0..v23} and
   * carry no {@code "prf"} field (as published before versioning), v2's {@code v2-0..v2-23} with
   * {@code "prf":"v2"}.
   */
  private static void addVectors(
      ObjectMapper m, ArrayNode arr, PrfVersion version, SplittableRandom r) {
    boolean v2 = version == PrfVersion.V2;
    double[] gammas = {0.25, 0.5, 0.1, 0.75};
    for (int i = 0; i < 24; i++) {
      byte[] secret = new byte[32];
      if (i > 0) {
        r.nextBytes(secret);
      }
      int h = 1 + (i % 8);
      boolean selfHash = i % 5 == 4;
      double gamma = gammas[i % gammas.length];
      int[] ctx = r.ints(h, 0, 100_277).toArray();
      int token = i == 1 ? 0 : r.nextInt(0, 200_019);
      byte[] seedKey = IndependentPrf.seedKey(secret);
      long seed =
          v2
              ? IndependentPrf.seedV2(seedKey, ctx, selfHash, token)
              : IndependentPrf.seed(seedKey, IndependentPrf.words(ctx, selfHash, token));
      long bits = v2 ? IndependentPrf.bitsV2(seed, token) : IndependentPrf.bits(seed, token);
      ObjectNode v = arr.addObject();
      v.put("name", (v2 ? "v2-" : "v") + i);
      if (v2) {
        v.put("prf", "v2");
      }
      v.put("secret_hex", HEX.formatHex(secret));
      v.put("context_width", h);
      v.put("gamma", gamma);
      v.put("self_hash", selfHash);
      v.set("context", m.valueToTree(ctx));
      v.put("token", token);
      v.put("seed_key_hex", HEX.formatHex(seedKey));
      v.put("seed_hex", String.format("%016x", seed));
      v.put("bits_hex", String.format("%016x", bits));
      v.put("green", IndependentPrf.green(bits, gamma));
      double gr = IndependentPrf.gumbelR(bits);
      v.put("gumbel_r", gr);
      v.put("gumbel_score", -Math.log1p(-gr));
    }
  }
}
