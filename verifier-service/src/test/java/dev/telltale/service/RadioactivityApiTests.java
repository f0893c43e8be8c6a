package dev.telltale.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telltale.forensics.radioactivity.RadioactivityResult;
import dev.telltale.forensics.radioactivity.RadioactivityTest;
import dev.telltale.forensics.scan.ScanJson;
import dev.telltale.key.WatermarkKey;
import dev.telltale.text.TextNormalizer;
import dev.telltale.text.Tokenizer;
import dev.telltale.text.Tokenizers;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code POST /v1/radioactivity} over real HTTP, run against each database by the subclasses. */
abstract class RadioactivityApiTests extends ProvenanceApiTests {

  /**
   * What {@code telltale radioactivity --json} prints for these exchanges under {@code keys}, built
   * from core alone (closed mode, dedup on, no filter corpus, no malformed lines).
   */
  static JsonNode coreRadioactivity(
      List<String[]> exchanges, List<WatermarkKey> keys, double alpha, String promptFilter)
      throws Exception {
    Tokenizer tok = Tokenizers.cl100kBase();
    List<RadioactivityTest.Exchange> ex = new ArrayList<>();
    for (String[] e : exchanges) {
      ex.add(
          new RadioactivityTest.Exchange(
              tok.encode(TextNormalizer.normalize(e[0])),
              tok.encode(TextNormalizer.normalize(e[1]))));
    }
    RadioactivityTest.PromptFilter pf =
        switch (promptFilter) {
          case "own" -> RadioactivityTest.PromptFilter.OWN_PROMPT;
          case "all" -> RadioactivityTest.PromptFilter.ALL_PROMPTS;
          default -> RadioactivityTest.PromptFilter.NONE;
        };
    List<RadioactivityResult> results = new ArrayList<>();
    for (WatermarkKey k : keys) {
      results.add(
          RadioactivityTest.of(k, new RadioactivityTest.Options(true, pf), Optional.empty())
              .closedModel(ex));
    }
    return MAPPER.readTree(
        ScanJson.radioactivity(results, alpha, true, promptFilter, 0).toString());
  }

  static List<Map<String, String>> answersBody(List<String[]> exchanges) {
    List<Map<String, String>> out = new ArrayList<>();
    for (String[] e : exchanges) {
      out.add(Map.of("prompt", e[0], "answer", e[1]));
    }
    return out;
  }

  static List<String[]> humanAnswers() {
    String[] sentences = Fixtures.HUMAN.split("(?<=[.?]) ");
    List<String[]> out = new ArrayList<>();
    for (int i = 0; i < sentences.length; i++) {
      out.add(new String[] {"Say something, " + i + ".", sentences[i]});
    }
    return out;
  }

  @Test
  void watermarkedAnswersAreRadioactiveAndEqualCoreJson() throws Exception {
    List<String[]> answers = Fixtures.radioactiveAnswers();
    HttpResponse<Buffer> r =
        post(
            "/v1/radioactivity",
            newToken(Role.INVESTIGATOR),
            Map.of("answers", answersBody(answers)));
    assertEquals(200, r.statusCode(), r::bodyAsString);
    assertEquals("application/json", r.getHeader("Content-Type"));
    JsonNode a = json(r);
    assertEquals(
        coreRadioactivity(answers, Fixtures.KEYS.keys(), 1e-6, "own"),
        a,
        "the answer is the object telltale radioactivity --json prints");
    assertEquals("radioactive", a.get("verdict").asText());
    assertEquals(Fixtures.KGW.id().value(), a.get("key_id").asText());
    assertEquals(Fixtures.KEYS.keys().size(), a.get("keys_tested").asInt());
    assertEquals(answers.size(), a.get("exchanges").asInt());
    assertTrue(a.get("family_wise_log10_p_value").asDouble() <= -6, a::toString);

    String m = get("/metrics", null).bodyAsString();
    assertTrue(m.contains("telltale_radioactivity_tests_total{verdict=\"radioactive\"}"), m);
    assertTrue(
        m.contains(
            "telltale_http_requests_total{route=\"/v1/radioactivity\",method=\"POST\",status=\"200\"}"),
        m);
  }

  @Test
  void optionsAreThoseOfTheCli() throws Exception {
    List<String[]> answers = Fixtures.radioactiveAnswers();
    for (String pf : List.of("own", "all", "none")) {
      Map<String, Object> req = new LinkedHashMap<>();
      req.put("answers", answersBody(answers));
      req.put("key_id", Fixtures.GUMBEL.id().value());
      req.put("alpha", 0.01);
      req.put("prompt_filter", pf);
      req.put("tokenizer", "cl100k_base");
      HttpResponse<Buffer> r = post("/v1/radioactivity", newToken(Role.INVESTIGATOR), req);
      assertEquals(200, r.statusCode(), r::bodyAsString);
      assertEquals(coreRadioactivity(answers, List.of(Fixtures.GUMBEL), 0.01, pf), json(r), pf);
      assertEquals(1, json(r).get("keys_tested").asInt());
    }
    assertProblem(
        post(
            "/v1/radioactivity",
            newToken(Role.INVESTIGATOR),
            Map.of("answers", answersBody(answers), "key_id", "no-such-key")),
        404,
        "unknown-key");
  }

  /** prompt_filter none is exploratory: no verdict, and ?evidence=true is refused. */
  @Test
  void promptFilterNoneIsNotAValidTestAndCannotBeSigned() throws Exception {
    String bearer = newToken(Role.INVESTIGATOR);
    Map<String, Object> req =
        Map.of("answers", answersBody(Fixtures.radioactiveAnswers()), "prompt_filter", "none");
    HttpResponse<Buffer> r = post("/v1/radioactivity", bearer, req);
    assertEquals(200, r.statusCode(), r::bodyAsString);
    assertEquals("not_a_valid_test", json(r).get("verdict").asText());
    assertFalse(json(r).get("valid_test").asBoolean());
    assertProblem(post("/v1/radioactivity?evidence=true", bearer, req), 400, "exploratory-mode");
  }

  @Test
  void humanAnswersAreNotRadioactiveAndEqualCoreJson() throws Exception {
    List<String[]> answers = humanAnswers();
    HttpResponse<Buffer> r =
        post(
            "/v1/radioactivity",
            newToken(Role.INVESTIGATOR),
            Map.of("answers", answersBody(answers)));
    assertEquals(200, r.statusCode(), r::bodyAsString);
    assertEquals(coreRadioactivity(answers, Fixtures.KEYS.keys(), 1e-6, "own"), json(r));
    assertEquals("not_radioactive", json(r).get("verdict").asText());
    assertTrue(
        get("/metrics", null)
            .bodyAsString()
            .contains("telltale_radioactivity_tests_total{verdict=\"not_radioactive\"}"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{}",
        "[]",
        "{\"answers\": []}",
        "{\"answers\": {\"prompt\": \"p\", \"answer\": \"a\"}}",
        "{\"answers\": [{\"prompt\": \"p\"}]}",
        "{\"answers\": [{\"answer\": \"a\"}]}",
        "{\"answers\": [{\"prompt\": \"p\", \"answer\": \"\"}]}",
        "{\"answers\": [{\"prompt\": 1, \"answer\": \"a\"}]}",
        "{\"answers\": [{\"prompt\": \"p\", \"answer\": \"a\", \"extra\": 1}]}",
        "{\"answers\": [{\"prompt\": \"p\", \"answer\": \"a\"}], \"alpha\": 1}",
        "{\"answers\": [{\"prompt\": \"p\", \"answer\": \"a\"}], \"alpha\": 0}",
        "{\"answers\": [{\"prompt\": \"p\", \"answer\": \"a\"}], \"prompt_filter\": \"some\"}",
        "{\"answers\": [{\"prompt\": \"p\", \"answer\": \"a\"}], \"tokenizer\": \"gpt2\"}",
        "{\"answers\": [{\"prompt\": \"p\", \"answer\": \"a\"}], \"key_id\": \"\"}",
        "{\"answers\": [{\"prompt\": \"p\", \"answer\": \"a\"}], \"mode\": \"reading\"}"
      })
  void radioactivitySchemaViolationsAre400(String body) throws Exception {
    HttpResponse<Buffer> r =
        postRaw(
            "/v1/radioactivity",
            newToken(Role.INVESTIGATOR),
            body.getBytes(StandardCharsets.UTF_8));
    assertProblem(r, 400, "schema-violation");
  }

  @Test
  void radioactivityMalformedBodiesAndTooManyAnswersAre400() throws Exception {
    String bearer = newToken(Role.INVESTIGATOR);
    for (String body :
        List.of("{\"answers\": ", "not json", "{\"answers\": [], \"answers\": []}")) {
      assertProblem(
          postRaw("/v1/radioactivity", bearer, body.getBytes(StandardCharsets.UTF_8)),
          400,
          "malformed-json");
    }
    List<Map<String, String>> many = new ArrayList<>();
    for (int i = 0; i <= RadioactivityCheck.MAX_ANSWERS; i++) {
      many.add(Map.of("prompt", "", "answer", "a"));
    }
    assertProblem(
        post("/v1/radioactivity", bearer, Map.of("answers", many)), 400, "schema-violation");
  }

  @Test
  void radioactivityWithoutTokenIs401AndOtherRolesAre403() throws Exception {
    Map<String, Object> req = Map.of("answers", answersBody(humanAnswers()));
    assertInvestigatorOnly("/v1/radioactivity", req);
  }

  @Test
  void radioactivityGetIs405WithAllowPost() throws Exception {
    HttpResponse<Buffer> r = get("/v1/radioactivity", newToken(Role.INVESTIGATOR));
    assertProblem(r, 405, "method-not-allowed");
    assertEquals("POST", r.getHeader("Allow"));
    HttpResponse<Buffer> d =
        send(HttpMethod.DELETE, "/v1/radioactivity", newToken(Role.INVESTIGATOR), null);
    assertProblem(d, 405, "method-not-allowed");
  }

  @Test
  void radioactivityOversizeBodyAndTotalTextAre413() throws Exception {
    String bearer = newToken(Role.INVESTIGATOR);
    String big = "word ".repeat((int) (BODY_LIMIT / 5) + 10);
    assertProblem(
        post(
            "/v1/radioactivity",
            bearer,
            Map.of("answers", answersBody(List.<String[]>of(new String[] {"p", big})))),
        413,
        "body-too-large");
    // Prompts and answers are each under the text limit; together they are over it.
    String half = "x ".repeat(TEXT_LIMIT / 4 + 10);
    List<String[]> two = List.of(new String[] {half, "a b"}, new String[] {"p", half});
    assertProblem(
        post("/v1/radioactivity", bearer, Map.of("answers", answersBody(two))),
        413,
        "text-too-long");
  }

  @Test
  void radioactivitySharesTheDetectionRateLimit() throws Exception {
    String bearer = newToken(Role.INVESTIGATOR);
    Map<String, Object> req = Map.of("answers", answersBody(humanAnswers()));
    for (int i = 0; i < BURST - 1; i++) {
      assertEquals(200, post("/v1/detect", bearer, Map.of("text", "a b c d " + i)).statusCode());
    }
    assertEquals(200, post("/v1/radioactivity", bearer, req).statusCode());
    // The bucket is empty now, for every oracle.
    HttpResponse<Buffer> r = post("/v1/radioactivity", bearer, req);
    assertProblem(r, 429, "rate-limited");
    assertTrue(Long.parseLong(r.getHeader("Retry-After")) >= 1);
    assertProblem(post("/v1/detect", bearer, Map.of("text", "and this")), 429, "rate-limited");
  }

  @Test
  void everyTestIsAuditedWithTheBodyDigestAndVerdictNeverTheText() throws Exception {
    String marker = "radioactivity-marker-" + UUID.randomUUID();
    List<String[]> answers = new ArrayList<>(Fixtures.radioactiveAnswers());
    answers.add(new String[] {marker, "An answer that ends with " + marker});
    String investigator = newToken(Role.INVESTIGATOR);
    byte[] raw = MAPPER.writeValueAsBytes(Map.of("answers", answersBody(answers)));
    HttpResponse<Buffer> a = postRaw("/v1/radioactivity", investigator, raw);
    assertEquals(200, a.statusCode(), a::bodyAsString);
    assertFalse(a.bodyAsString().contains(marker), "the answer echoes the text");

    HttpResponse<Buffer> r = get("/v1/audit?limit=1000", newToken(Role.AUDITOR));
    assertEquals(200, r.statusCode(), r::bodyAsString);
    assertFalse(r.bodyAsString().contains(marker));
    String digest = DetectionEngine.sha256Hex(raw);
    JsonNode row = null;
    for (JsonNode e : json(r).get("entries")) {
      if (e.get("input_sha256").asText().equals(digest)) {
        row = e;
      }
    }
    assertTrue(row != null, "no audit row with the body's digest");
    JsonNode answer = json(a);
    assertEquals(investigator.substring(3, 19), row.get("token_id").asText());
    assertEquals("/v1/radioactivity", row.get("route").asText());
    assertEquals(answer.get("key_id").asText(), row.get("key_id").asText());
    assertEquals("radioactive", row.get("verdict").asText());
    assertEquals(answer.get("p_value").asDouble(), row.get("p_value").asDouble());
    assertEquals(answer.get("log10_p_value").asDouble(), row.get("log10_p_value").asDouble());
    Tokenizer tok = Tokenizers.cl100kBase();
    int tokens = 0;
    for (String[] e : answers) {
      tokens += tok.encode(TextNormalizer.normalize(e[1])).length;
    }
    assertEquals(tokens, row.get("input_tokens").asInt());

    try (Connection c = service.database().dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM audit_log")) {
      int cols = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        for (int i = 1; i <= cols; i++) {
          String v = rs.getString(i);
          assertFalse(v != null && v.contains(marker), "the audit log holds submitted text");
        }
      }
    }
  }
}
