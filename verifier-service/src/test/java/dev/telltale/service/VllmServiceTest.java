package dev.telltale.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.detect.DetectionJson;
import dev.telltale.detect.DetectionPolicy;
import dev.telltale.detect.KeySetDetection;
import dev.telltale.detect.KeySetDetector;
import dev.telltale.embed.Watermarker;
import dev.telltale.evidence.EnvelopeReader;
import dev.telltale.forensics.corpus.DocumentSource;
import dev.telltale.forensics.scan.CorpusScan;
import dev.telltale.forensics.scan.ScanJson;
import dev.telltale.forensics.scan.ScanListener;
import dev.telltale.forensics.scan.ScanResult;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The service's routes with vLLM keys beside a Telltale key: {@code token_ids} (with and without
 * {@code prompt_ids}) and text detection, vLLM's own p-value beside Telltale's, signed evidence
 * recording the vLLM profile and the deduplication unit, scan jobs, and radioactivity.
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

  /**
   * {@code prompt_ids} beside {@code token_ids} are never scored, as {@code telltale detect --ids}
   * reads {@code {"prompt_ids":[...],"ids":[...]}}: the answer is core's detection of the ids after
   * the prompt, with {@code prompt_tokens}, and the evidence subject is the digest of that compact
   * object (the file the recorded command re-reads; ServiceFindingRerunTest re-runs it).
   */
  @Test
  void promptIdsAreNeverScoredAsDetectIdsReadsThem() throws Exception {
    int[] all = Tokenizers.cl100kBase().encode(Fixtures.watermarkedText());
    int[] prompt = java.util.Arrays.copyOf(all, 40);
    int[] ids = java.util.Arrays.copyOfRange(all, 40, all.length);
    String kgw = Fixtures.KGW.id().value();
    for (String key : List.of(kgw, "vllm-gumbel")) {
      HttpResponse<Buffer> r =
          post(
              "/v1/detect?evidence=true",
              newToken(Role.INVESTIGATOR),
              Map.of("token_ids", ids, "prompt_ids", prompt, "key_id", key, "window", true));
      assertEquals(200, r.statusCode(), r::bodyAsString);
      com.fasterxml.jackson.databind.node.ObjectNode j =
          (com.fasterxml.jackson.databind.node.ObjectNode) json(r);
      JsonNode evidence = j.remove("evidence");
      WatermarkKey tested = keySet().get(KeyId.of(key)).orElseThrow();
      DetectionPolicy policy = DetectionPolicy.defaults().withWindow(true);
      KeySetDetection result =
          KeySetDetector.of(KeySet.single(tested), Tokenizers.cl100kBase(), policy)
              .detectTokens(all, prompt.length, ids.length);
      com.fasterxml.jackson.databind.node.ObjectNode core =
          DetectionJson.addSpreadCheck(
              DetectionJson.of(result, "cl100k_base"),
              result,
              dev.telltale.detect.Detector.of(tested, Tokenizers.cl100kBase(), policy),
              all,
              prompt.length,
              dev.telltale.detect.SpreadReference.tokenizerRanks(),
              dev.telltale.detect.SpreadReference.DEFAULT_RARE_LEVEL);
      core.put("input", "token_ids");
      core.put("prompt_tokens", prompt.length);
      assertEquals(new ObjectMapper().readTree(core.toString()), j, key);
      assertEquals(ids.length, j.get("tokens").asInt(), key);
      JsonNode st =
          MAPPER.readTree(
              EnvelopeReader.parse(MAPPER.writeValueAsBytes(evidence.get("envelope"))).payload());
      String file =
          "{\"prompt_ids\":"
              + MAPPER.writeValueAsString(prompt)
              + ",\"ids\":"
              + MAPPER.writeValueAsString(ids)
              + "}";
      assertEquals(
          DetectionEngine.sha256Hex(file.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
          st.get("subject").get(0).get("digest").get("sha256").asText(),
          key);
    }
    // a prompt with a text is refused: text detection has no prompt
    assertProblem(
        post(
            "/v1/detect",
            newToken(Role.INVESTIGATOR),
            Map.of("text", "a text", "prompt_ids", prompt)),
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
    // What the detection counted once, as telltale detect --evidence records it for this key
    assertEquals(
        "effective seed and token (vLLM sbw)",
        st.get("predicate").get("dedup").get("unit").asText());
  }

  /**
   * A scan job over vLLM generations and human text gives core's result with the same key set,
   * pooled tests per key included, and the vLLM Gumbel generation is a suspect.
   */
  @Test
  void aScanJobWithVllmKeysGivesCoresResult() throws Exception {
    StringBuilder corpus = new StringBuilder();
    corpus.append(MAPPER.writeValueAsString(Map.of("id", "gumbel", "text", gumbelText.text())));
    corpus.append('\n');
    corpus.append(MAPPER.writeValueAsString(Map.of("id", "sbw", "text", sbwText.text())));
    corpus.append('\n');
    corpus.append(MAPPER.writeValueAsString(Map.of("id", "human", "text", Fixtures.HUMAN)));
    corpus.append('\n');
    byte[] bytes = corpus.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String inv = newToken(Role.INVESTIGATOR);
    HttpResponse<Buffer> created =
        upload("?field=text&fdr=0.05&evidence=true", inv, "application/x-ndjson", bytes);
    assertEquals(202, created.statusCode(), created::bodyAsString);
    String id = json(created).get("id").asText();
    JsonNode done = null;
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (done == null) {
      JsonNode j = json(get("/v1/scans/" + id, inv));
      String state = j.get("state").asText();
      if (!state.equals("queued") && !state.equals("running")) {
        done = j;
      } else {
        assertTrue(System.nanoTime() < deadline, "the scan did not end: " + j);
        Thread.sleep(100);
      }
    }
    assertEquals("done", done.get("state").asText(), done::toString);
    Path file = Files.write(Files.createTempDirectory(dir, "ref").resolve("c.jsonl"), bytes);
    JsonNode expected;
    try (DocumentSource src = DocumentSource.files(List.of(file), "text")) {
      ScanResult r =
          CorpusScan.of(
                  keySet(), Tokenizers.cl100kBase(), CorpusScan.Options.defaults().withFdr(0.05))
              .run(src, file.resolveSibling("work"), ScanListener.NONE);
      expected = MAPPER.readTree(ScanJson.of(r).toString());
    }
    assertEquals(expected, done.get("result"), "service and core scan differ");
    List<String> suspects = new ArrayList<>();
    expected.get("suspect_documents").get("ids").forEach(x -> suspects.add(x.asText()));
    assertTrue(suspects.contains("gumbel"), expected::toString);
    assertFalse(suspects.contains("human"), expected::toString);
    // The statement says what each key's pooled test counted once.
    JsonNode ev = json(get(done.get("evidence").get("location").asText(), inv));
    JsonNode dedup = statement(ev.get("envelope")).get("predicate").get("dedup");
    assertEquals("corpus", dedup.get("scope").asText());
    assertEquals(
        "context within a document, context and token across documents (vLLM gumbel)",
        dedup.get("unit").asText(),
        dedup::toString);
    assertEquals(
        List.of(
            "vllm-gumbel=context within a document, context and token across documents"
                + " (vLLM gumbel)",
            "vllm-sbw=effective seed and token (vLLM sbw)",
            Fixtures.KGW.id().value() + "=context window and token"),
        units(dedup),
        dedup::toString);
  }

  private static JsonNode statement(JsonNode envelope) throws Exception {
    return MAPPER.readTree(EnvelopeReader.parse(MAPPER.writeValueAsBytes(envelope)).payload());
  }

  /** {@code key_id=unit} of every key tested, in the order of {@code keys_tested}. */
  private static List<String> units(JsonNode dedup) {
    List<String> units = new ArrayList<>();
    dedup
        .get("units")
        .forEach(u -> units.add(u.get("key_id").asText() + "=" + u.get("unit").asText()));
    return units;
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

    // Every key tested, with evidence: each key's unit over the run's one tape.
    HttpResponse<Buffer> all =
        post(
            "/v1/radioactivity?evidence=true",
            newToken(Role.INVESTIGATOR),
            Map.of("answers", answers));
    assertEquals(200, all.statusCode(), all::bodyAsString);
    JsonNode dedup =
        statement(json(all).get("evidence").get("envelope")).get("predicate").get("dedup");
    assertEquals("run", dedup.get("scope").asText());
    assertEquals("context and token (vLLM gumbel)", dedup.get("unit").asText(), dedup::toString);
    assertEquals(
        List.of(
            "vllm-gumbel=context and token (vLLM gumbel)",
            "vllm-sbw=effective seed and token (vLLM sbw)",
            Fixtures.KGW.id().value() + "=context window and token"),
        units(dedup),
        dedup::toString);
  }
}
