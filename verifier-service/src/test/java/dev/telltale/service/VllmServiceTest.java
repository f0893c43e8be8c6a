package dev.telltale.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.detect.DetectionJson;
import dev.telltale.detect.DetectionPolicy;
import dev.telltale.detect.KeySetDetection;
import dev.telltale.detect.KeySetDetector;
import dev.telltale.embed.Watermarker;
import dev.telltale.evidence.EnvelopeReader;
import dev.telltale.key.KeyId;
import dev.telltale.key.KeySet;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.VllmDedup;
import dev.telltale.scheme.VllmGumbelParameters;
import dev.telltale.scheme.VllmSbwParameters;
import dev.telltale.testdata.Generation;
import dev.telltale.testdata.SamplingParams;
import dev.telltale.testdata.TeacherGenerator;
import dev.telltale.text.Tokenizers;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The service's routes with vLLM keys beside a Telltale key: {@code token_ids} and text detection,
 * vLLM's own p-value beside Telltale's, signed evidence recording the vLLM profile, and
 * radioactivity.
 */
class VllmServiceTest extends ServiceTestBase {
  static final WatermarkKey VLLM_GUMBEL =
      WatermarkKey.ofVllm(
          KeyId.of("vllm-gumbel"),
          new VllmGumbelParameters(4, VllmDedup.SINGLE_TURN, OptionalInt.of(8192), true),
          0xFEEDFACECAFEBEEFL,
          Instant.parse("2026-01-01T00:00:00Z"));
  static final WatermarkKey VLLM_SBW =
      WatermarkKey.ofVllm(
          KeyId.of("vllm-sbw"),
          new VllmSbwParameters(4, VllmDedup.SINGLE_TURN, OptionalInt.of(8192), true, 0.5, 2.0),
          42L,
          Instant.parse("2026-01-01T00:00:00Z"));

  static Generation gumbelText;
  static Generation sbwText;

  @Override
  Map<String, String> databaseSettings(Path dir) {
    return Map.of();
  }

  @Override
  KeySet keySet() {
    return KeySet.of(VLLM_GUMBEL.id(), List.of(VLLM_GUMBEL, VLLM_SBW, Fixtures.KGW))
        .withSigningKey(Fixtures.SIG);
  }

  @BeforeAll
  static void generate() {
    TeacherGenerator teacher = TeacherGenerator.defaultTeacher();
    int[] prompt = teacher.heldOutPrompts(2, 8).get(1);
    gumbelText =
        teacher.generate(prompt, 200, SamplingParams.defaults(), 5, Watermarker.of(VLLM_GUMBEL));
    sbwText = teacher.generate(prompt, 200, SamplingParams.defaults(), 6, Watermarker.of(VLLM_SBW));
  }

  @Test
  void tokenIdsOfAVllmGenerationAreDetectedAsCoreDetectsThem() throws Exception {
    int[] ids = gumbelText.tokens();
    HttpResponse<Buffer> r =
        post("/v1/detect", newToken(Role.INVESTIGATOR), Map.of("token_ids", ids));
    assertEquals(200, r.statusCode(), r::bodyAsString);
    JsonNode j = json(r);
    assertEquals("vllm-gumbel", j.get("key_id").asText());
    assertEquals("watermarked", j.get("verdict").asText());
    assertEquals(3, j.get("keys_tested").asInt());
    // Gumbel: Telltale's exact p-value is vLLM's own
    double p = j.get("p_value").asDouble();
    assertEquals(p, j.get("vllm_p_value").asDouble(), 1e-9 * p);
    KeySetDetection result =
        KeySetDetector.of(keySet(), Tokenizers.cl100kBase(), DetectionPolicy.defaults())
            .detectTokens(ids, 0, ids.length);
    com.fasterxml.jackson.databind.node.ObjectNode core =
        VerifierApiTests.withSpread(
            DetectionJson.of(result, "cl100k_base"),
            result,
            keySet(),
            Tokenizers.cl100kBase(),
            DetectionPolicy.defaults(),
            ids);
    // Token ids are answered as telltale detect --ids prints them.
    core.put("input", "token_ids");
    core.put("prompt_tokens", 0);
    assertEquals(new ObjectMapper().readTree(core.toString()), j);

    assertProblem(
        post("/v1/detect", newToken(Role.INVESTIGATOR), Map.of("token_ids", ids, "tokens", ids)),
        400,
        "schema-violation");
  }

  @Test
  void sbwTextIsDetectedWithVllmsFigureBesideTelltales() throws Exception {
    HttpResponse<Buffer> r =
        post(
            "/v1/detect?evidence=true",
            newToken(Role.INVESTIGATOR),
            Map.of("text", sbwText.text(), "key_id", "vllm-sbw", "window", true));
    assertEquals(200, r.statusCode(), r::bodyAsString);
    JsonNode j = json(r);
    assertEquals("vllm-sbw", j.get("scheme").asText());
    assertEquals("watermarked", j.get("verdict").asText());
    assertTrue(j.has("green_tokens") && j.has("vllm_p_value") && j.has("window"), j::toString);
    JsonNode st =
        MAPPER.readTree(
            EnvelopeReader.parse(MAPPER.writeValueAsBytes(j.get("evidence").get("envelope")))
                .payload());
    JsonNode profile = st.get("predicate").get("key").get("parameters").get("vllm");
    assertEquals("sbw", profile.get("algorithm").asText());
    assertEquals("philox4x32-10-v1", profile.get("prf_version").asText());
  }

  @Test
  void radioactivityWithAVllmKey() throws Exception {
    List<Map<String, String>> answers = new ArrayList<>();
    answers.add(Map.of("prompt", "Tell me about the session.", "answer", gumbelText.text()));
    HttpResponse<Buffer> r =
        post(
            "/v1/radioactivity",
            newToken(Role.INVESTIGATOR),
            Map.of("answers", answers, "key_id", "vllm-gumbel"));
    assertEquals(200, r.statusCode(), r::bodyAsString);
    assertEquals("radioactive", json(r).get("verdict").asText(), r::bodyAsString);
    HttpResponse<Buffer> human =
        post(
            "/v1/radioactivity",
            newToken(Role.INVESTIGATOR),
            Map.of(
                "answers",
                List.of(Map.of("prompt", "Say something.", "answer", Fixtures.HUMAN)),
                "key_id",
                "vllm-sbw"));
    assertEquals(200, human.statusCode(), human::bodyAsString);
    assertEquals("not_radioactive", json(human).get("verdict").asText());
  }
}
