package dev.telltale.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telltale.forensics.attribution.AttributionJson;
import dev.telltale.forensics.attribution.AttributionPolicy;
import dev.telltale.forensics.attribution.CorpusAttribution;
import dev.telltale.forensics.attribution.KeySetAttribution;
import dev.telltale.text.Tokenizers;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code POST /v1/attribution} over real HTTP, run against each database by the subclasses. */
abstract class AttributionApiTests extends RadioactivityApiTests {

  /** What {@code telltale attribute --json} prints for these documents under the test keys. */
  static JsonNode coreAnswer(List<String> names, List<String> texts, double alpha, int top)
      throws Exception {
    KeySetAttribution run =
        KeySetAttribution.of(
            KeySetAttribution.payloadKeys(Fixtures.KEYS),
            Tokenizers.cl100kBase(),
            alpha,
            1e-6,
            top);
    CorpusAttribution corpus = run.attributeTexts(texts);
    return MAPPER.readTree(AttributionJson.of(run, names, corpus).toString());
  }

  @Test
  void payloadWatermarkedTextNamesItsAccountAndEqualsCoreJson() throws Exception {
    String text = Fixtures.attributedText();
    HttpResponse<Buffer> r =
        post("/v1/attribution", newToken(Role.INVESTIGATOR), Map.of("text", text));
    assertEquals(200, r.statusCode(), r::bodyAsString);
    assertEquals("application/json", r.getHeader("Content-Type"));
    JsonNode a = json(r);
    assertEquals(
        coreAnswer(List.of("-"), List.of(text), AttributionPolicy.DEFAULT_ALPHA, 5),
        a,
        "the answer is the object telltale attribute --json prints for stdin");
    assertEquals(Optional.empty(), RequestParsingPropertiesTest.schema("Attribution").violation(a));
    JsonNode d = a.get("documents").get(0);
    assertEquals("-", d.get("document").asText());
    assertEquals(Fixtures.PAYLOAD.id().value(), d.get("key_id").asText());
    assertEquals("attributed", d.get("outcome").asText());
    assertEquals(Fixtures.ACCOUNT, d.get("account").asLong());
    assertTrue(d.get("log10_corrected_p_value").asDouble() <= -3, d::toString);
    assertEquals(1, a.get("accounts").size());
    assertEquals(Fixtures.ACCOUNT, a.get("accounts").get(0).get("account").asLong());

    String m = get("/metrics", null).bodyAsString();
    assertTrue(m.contains("telltale_attributions_total{outcome=\"attributed\"}"), m);
    assertTrue(
        m.contains(
            "telltale_http_requests_total{route=\"/v1/attribution\",method=\"POST\",status=\"200\"}"),
        m);
  }

  @Test
  void humanTextNamesNoAccount() throws Exception {
    HttpResponse<Buffer> r =
        post("/v1/attribution", newToken(Role.INVESTIGATOR), Map.of("text", Fixtures.HUMAN));
    assertEquals(200, r.statusCode(), r::bodyAsString);
    JsonNode d = json(r).get("documents").get(0);
    assertEquals("not_watermarked", d.get("outcome").asText());
    assertTrue(d.get("account").isNull());
    assertFalse(d.has("decoded_account"));
    assertEquals(0, d.get("candidates").size());
    assertEquals(0, json(r).get("accounts").size());
    assertTrue(
        get("/metrics", null)
            .bodyAsString()
            .contains("telltale_attributions_total{outcome=\"none\"}"));
  }

  @Test
  void documentsAreNamedByTheirIdsAndCombinedLikeTheCli() throws Exception {
    List<String> ids = List.of("mail-1", "mail-2");
    List<String> texts = List.of(Fixtures.HUMAN, Fixtures.attributedText());
    List<Map<String, String>> docs = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      docs.add(Map.of("id", ids.get(i), "text", texts.get(i)));
    }
    HttpResponse<Buffer> r =
        post(
            "/v1/attribution",
            newToken(Role.INVESTIGATOR),
            Map.of(
                "documents",
                docs,
                "key_id",
                Fixtures.PAYLOAD.id().value(),
                "alpha",
                0.01,
                "top",
                3));
    assertEquals(200, r.statusCode(), r::bodyAsString);
    assertEquals(coreAnswer(ids, texts, 0.01, 3), json(r));
    assertEquals("mail-2", json(r).get("documents").get(1).get("document").asText());
    assertEquals(Fixtures.ACCOUNT, json(r).get("accounts").get(0).get("account").asLong());
    assertEquals(1, json(r).get("accounts").get(0).get("documents").asInt());
  }

  @Test
  void aKeyWithoutPayloadIs422NamingTheKey() throws Exception {
    String kgw = Fixtures.KGW.id().value();
    HttpResponse<Buffer> r =
        post(
            "/v1/attribution",
            newToken(Role.INVESTIGATOR),
            Map.of("text", Fixtures.HUMAN, "key_id", kgw));
    assertProblem(r, 422, "no-payload-layer");
    assertTrue(json(r).get("detail").asText().contains("'" + kgw + "'"), r::bodyAsString);
    assertProblem(
        post(
            "/v1/attribution",
            newToken(Role.INVESTIGATOR),
            Map.of("text", Fixtures.HUMAN, "key_id", "no-such-key")),
        404,
        "unknown-key");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{}",
        "[]",
        "{\"text\": \"\"}",
        "{\"text\": \"a\", \"documents\": [{\"id\": \"x\", \"text\": \"b\"}]}",
        "{\"documents\": []}",
        "{\"documents\": [{\"text\": \"b\"}]}",
        "{\"documents\": [{\"id\": \"x\", \"text\": \"b\", \"extra\": 1}]}",
        "{\"documents\": {\"id\": \"x\", \"text\": \"b\"}}",
        "{\"text\": \"a b\", \"top\": 0}",
        "{\"text\": \"a b\", \"top\": 1.5}",
        "{\"text\": \"a b\", \"alpha\": 1}",
        "{\"text\": \"a b\", \"detect_alpha\": 0}",
        "{\"text\": \"a b\", \"tokenizer\": \"gpt2\"}",
        "{\"text\": \"a b\", \"tokens\": [1, 2]}"
      })
  void attributionSchemaViolationsAre400(String body) throws Exception {
    HttpResponse<Buffer> r =
        postRaw(
            "/v1/attribution", newToken(Role.INVESTIGATOR), body.getBytes(StandardCharsets.UTF_8));
    assertProblem(r, 400, "schema-violation");
  }

  @Test
  void malformedBodiesAndTooManyOrRepeatedDocumentsAre400() throws Exception {
    String bearer = newToken(Role.INVESTIGATOR);
    for (String body : List.of("{\"text\": ", "not json", "{\"text\": \"a\", \"text\": \"b\"}")) {
      assertProblem(
          postRaw("/v1/attribution", bearer, body.getBytes(StandardCharsets.UTF_8)),
          400,
          "malformed-json");
    }
    List<Map<String, String>> many = new ArrayList<>();
    for (int i = 0; i <= AttributionCheck.MAX_DOCUMENTS; i++) {
      many.add(Map.of("id", "d" + i, "text", "a b"));
    }
    assertProblem(
        post("/v1/attribution", bearer, Map.of("documents", many)), 400, "schema-violation");
    List<Map<String, String>> twice =
        List.of(Map.of("id", "same", "text", "a b"), Map.of("id", "same", "text", "c d"));
    assertProblem(
        post("/v1/attribution", bearer, Map.of("documents", twice)), 400, "duplicate-document-id");
  }

  @Test
  void withoutTokenIs401AndOtherRolesAre403() throws Exception {
    Map<String, String> req = Map.of("text", "a b c");
    assertInvestigatorOnly("/v1/attribution", req);
  }

  @Test
  void oversizeBodyAndTotalTextAre413() throws Exception {
    String bearer = newToken(Role.INVESTIGATOR);
    String big = "word ".repeat((int) (BODY_LIMIT / 5) + 10);
    assertProblem(post("/v1/attribution", bearer, Map.of("text", big)), 413, "body-too-large");
    // Each document is under the text limit; together they are over it.
    String half = "x ".repeat(TEXT_LIMIT / 4 + 10);
    List<Map<String, String>> docs =
        List.of(Map.of("id", "a", "text", half), Map.of("id", "b", "text", half));
    assertProblem(post("/v1/attribution", bearer, Map.of("documents", docs)), 413, "text-too-long");
  }

  @Test
  void attributionSharesTheDetectionRateLimit() throws Exception {
    String bearer = newToken(Role.INVESTIGATOR);
    for (int i = 0; i < BURST - 1; i++) {
      assertEquals(200, post("/v1/detect", bearer, Map.of("text", "a b c d " + i)).statusCode());
    }
    assertEquals(200, post("/v1/attribution", bearer, Map.of("text", "a b c d e")).statusCode());
    // The bucket is empty now, for both oracles.
    HttpResponse<Buffer> r = post("/v1/attribution", bearer, Map.of("text", "one too many"));
    assertProblem(r, 429, "rate-limited");
    assertTrue(Long.parseLong(r.getHeader("Retry-After")) >= 1);
    assertProblem(post("/v1/detect", bearer, Map.of("text", "and this")), 429, "rate-limited");
  }

  @Test
  void everyAttributionIsAuditedWithADigestAndTheAccountNeverTheText() throws Exception {
    String marker = "attribution-marker-" + UUID.randomUUID();
    String text = Fixtures.attributedText() + " " + marker;
    String investigator = newToken(Role.INVESTIGATOR);
    HttpResponse<Buffer> a = post("/v1/attribution", investigator, Map.of("text", text));
    assertEquals(200, a.statusCode(), a::bodyAsString);
    assertFalse(a.bodyAsString().contains(marker), "the answer echoes the text");
    HttpResponse<Buffer> h =
        post("/v1/attribution", investigator, Map.of("text", Fixtures.HUMAN + " " + marker));
    assertEquals(200, h.statusCode(), h::bodyAsString);

    HttpResponse<Buffer> r = get("/v1/audit?limit=1000", newToken(Role.AUDITOR));
    assertEquals(200, r.statusCode(), r::bodyAsString);
    assertFalse(r.bodyAsString().contains(marker));
    JsonNode marked = row(json(r), text);
    assertEquals(investigator.substring(3, 19), marked.get("token_id").asText());
    assertEquals("/v1/attribution", marked.get("route").asText());
    assertEquals(Fixtures.PAYLOAD.id().value(), marked.get("key_id").asText());
    assertEquals("account:" + Fixtures.ACCOUNT, marked.get("verdict").asText());
    JsonNode finding = json(a).get("accounts").get(0);
    assertEquals(finding.get("p_value").asDouble(), marked.get("p_value").asDouble());
    assertEquals(finding.get("log10_p_value").asDouble(), marked.get("log10_p_value").asDouble());
    assertEquals(
        json(a).get("documents").get(0).get("tokens").asInt(), marked.get("input_tokens").asInt());
    JsonNode human = row(json(r), Fixtures.HUMAN + " " + marker);
    assertEquals("none", human.get("verdict").asText());
    assertFalse(human.has("p_value"));

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

  /** The audit row whose digest is that of {@code text}. */
  private static JsonNode row(JsonNode audit, String text) {
    String digest = DetectionEngine.sha256Hex(text.getBytes(StandardCharsets.UTF_8));
    for (JsonNode e : audit.get("entries")) {
      if (e.get("input_sha256").asText().equals(digest)) {
        return e;
      }
    }
    throw new AssertionError("no audit row with the input's digest");
  }
}
