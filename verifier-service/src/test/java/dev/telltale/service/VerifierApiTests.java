package dev.telltale.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.detect.DetectionJson;
import dev.telltale.detect.DetectionPolicy;
import dev.telltale.detect.KeySetDetection;
import dev.telltale.detect.KeySetDetector;
import dev.telltale.key.KeySet;
import dev.telltale.text.Tokenizer;
import dev.telltale.text.Tokenizers;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The API contract, run over real HTTP against each database by the subclasses. */
abstract class VerifierApiTests extends AttributionApiTests {
  private static final Tokenizer CL100K = Tokenizers.cl100kBase();

  static JsonNode roundTrip(ObjectNode o) throws Exception {
    return MAPPER.readTree(o.toString());
  }

  @Test
  void detectionOverHttpEqualsCoreDetectionJson() throws Exception {
    String text = Fixtures.watermarkedText();
    HttpResponse<Buffer> r = post("/v1/detect", newToken(Role.INVESTIGATOR), Map.of("text", text));
    assertEquals(200, r.statusCode(), r::bodyAsString);
    assertEquals("application/json", r.getHeader("Content-Type"));
    KeySetDetection core =
        KeySetDetector.of(Fixtures.KEYS, CL100K, DetectionPolicy.defaults()).detectText(text);
    assertEquals(
        roundTrip(
            withSpread(
                DetectionJson.of(core, "cl100k_base"),
                core,
                Fixtures.KEYS,
                CL100K,
                DetectionPolicy.defaults(),
                textIds(CL100K, text, core))),
        json(r));
    // The served document describes the answer.
    assertEquals(
        java.util.Optional.empty(),
        RequestParsingPropertiesTest.schema("Detection").violation(json(r)));
    assertEquals("watermarked", json(r).get("verdict").asText());
    assertEquals(Fixtures.KGW.id().value(), json(r).get("key_id").asText());
    assertTrue(json(r).get("p_value").asDouble() < 1e-6);
  }

  @Test
  void answeredRequestsLeaveNoBodyTimerRunning() throws Exception {
    // The count is the shared service's: an earlier test's refusal, answered before its body was
    // read, rightly keeps that connection's timer until it fires (server.body_timeout_ms, 30 s by
    // default) or the connection closes. Start from none.
    long quiet = System.nanoTime() + 40_000_000_000L;
    while (service.bodyTimers() > 0 && System.nanoTime() < quiet) {
      Thread.sleep(50);
    }
    assertEquals(0, service.bodyTimers(), "an earlier test's body timer outlived its timeout");
    String token = newToken(Role.INVESTIGATOR);
    for (int i = 0; i < 5; i++) {
      assertEquals(200, post("/v1/detect", token, Map.of("text", "a b c " + i)).statusCode());
    }
    // The timer is cancelled in the answer's end handler, which may run just after the client
    // has the answer; left running, each request's timer would be held for body_timeout_ms.
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (service.bodyTimers() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(0, service.bodyTimers());
  }

  @Test
  void detectionOfTokenIdsWithOptionsEqualsCore() throws Exception {
    int[] ids = CL100K.encode(Fixtures.watermarkedText());
    HttpResponse<Buffer> r =
        post(
            "/v1/detect",
            newToken(Role.INVESTIGATOR),
            Map.of(
                "tokens", ids, "key_id", Fixtures.KGW.id().value(), "window", true, "alpha", 0.01));
    assertEquals(200, r.statusCode(), r::bodyAsString);
    KeySetDetection core =
        KeySetDetector.of(
                KeySet.single(Fixtures.KGW),
                CL100K,
                DetectionPolicy.defaults().withAlpha(0.01).withWindow(true))
            .detectTokens(ids, 0, ids.length);
    // Token ids are answered as telltale detect --ids prints them.
    assertEquals(
        roundTrip(
            withSpread(
                    DetectionJson.of(core, "cl100k_base"),
                    core,
                    KeySet.single(Fixtures.KGW),
                    CL100K,
                    DetectionPolicy.defaults().withAlpha(0.01).withWindow(true),
                    ids)
                .put("input", "token_ids")
                .put("prompt_tokens", 0)),
        json(r));
    assertEquals(1, json(r).get("keys_tested").asInt());
    assertTrue(json(r).has("window"));
  }

  @Test
  void theSpreadCheckUsesTheDefaultReferenceAndGenuineTextIsNotFlagged() throws Exception {
    String inv = newToken(Role.INVESTIGATOR);
    JsonNode genuine = json(post("/v1/detect", inv, Map.of("text", Fixtures.watermarkedText())));
    assertEquals("watermarked", genuine.get("verdict").asText());
    JsonNode s = genuine.get("spread_check");
    assertEquals("tokenizer-ranks:10000", s.get("reference").asText());
    assertFalse(s.get("flagged").asBoolean(), genuine::toString);
    JsonNode human = json(post("/v1/detect", inv, Map.of("text", Fixtures.HUMAN)));
    assertFalse(human.get("spread_check").get("flagged").asBoolean(), human::toString);
  }

  @Test
  void humanTextIsNotDetected() throws Exception {
    HttpResponse<Buffer> r =
        post("/v1/detect", newToken(Role.INVESTIGATOR), Map.of("text", Fixtures.HUMAN));
    assertEquals(200, r.statusCode(), r::bodyAsString);
    assertEquals("not_watermarked", json(r).get("verdict").asText());
    assertTrue(json(r).get("family_wise_p_value").asDouble() > 1e-6);
  }

  @Test
  void explainMarksEveryTokenAndCountsMatchTheDetection() throws Exception {
    String text = Fixtures.watermarkedText();
    HttpResponse<Buffer> r =
        post(
            "/v1/detect",
            newToken(Role.INVESTIGATOR),
            Map.of("text", text, "explain", true, "key_id", Fixtures.KGW.id().value()));
    assertEquals(200, r.statusCode(), r::bodyAsString);
    JsonNode d = json(r);
    JsonNode tokens = d.get("explain").get("tokens");
    assertEquals(d.get("tokens").asInt(), tokens.size());
    int green = 0;
    int scored = 0;
    StringBuilder joined = new StringBuilder();
    for (JsonNode t : tokens) {
      joined.append(t.get("text").asText());
      if (!t.get("score").isNull()) {
        scored++;
        green += t.get("score").asInt();
      }
    }
    assertEquals(d.get("scored_tokens").asInt(), scored);
    assertEquals(d.get("green_tokens").asInt(), green);
    assertEquals(text.strip(), joined.toString().strip());
  }

  @Test
  void explainUnderAGumbelKeyGivesPositiveScoresAndShowsUnknownIds() throws Exception {
    int[] ids = CL100K.encode(Fixtures.HUMAN);
    ids[5] = 2_000_000_000; // not a cl100k id: scored like any other, shown as its number
    HttpResponse<Buffer> r =
        post(
            "/v1/detect",
            newToken(Role.INVESTIGATOR),
            Map.of("tokens", ids, "explain", true, "key_id", Fixtures.GUMBEL.id().value()));
    assertEquals(200, r.statusCode(), r::bodyAsString);
    JsonNode explain = json(r).get("explain");
    assertEquals("gumbel", explain.get("scheme").asText());
    assertEquals("#2000000000", explain.get("tokens").get(5).get("text").asText());
    double sum = 0;
    for (JsonNode t : explain.get("tokens")) {
      if (!t.get("score").isNull()) {
        assertTrue(t.get("score").asDouble() >= 0);
        sum += t.get("score").asDouble();
      }
    }
    assertEquals(json(r).get("score").asDouble(), sum, 1e-9 * Math.max(1, sum));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{}",
        "[1, 2]",
        "\"text\"",
        "{\"text\": \"\"}",
        "{\"text\": 17}",
        "{\"text\": \"a b c\", \"tokens\": [1, 2]}",
        "{\"tokens\": []}",
        "{\"tokens\": [1, -4]}",
        "{\"tokens\": [1, 2.5]}",
        "{\"text\": \"a b c\", \"alpha\": 1.5}",
        "{\"text\": \"a b c\", \"alpha\": 0}",
        "{\"text\": \"a b c\", \"tokenizer\": \"gpt2\"}",
        // a server-side tokenizer.json path is never read on a client's word
        "{\"text\": \"a b c\", \"tokenizer\": \"/etc/tokenizer.json\"}",
        "{\"text\": \"a b c\", \"window\": \"yes\"}",
        "{\"text\": \"a b c\", \"unknown_field\": 1}"
      })
  void schemaViolationsAre400(String body) throws Exception {
    HttpResponse<Buffer> r =
        postRaw("/v1/detect", newToken(Role.INVESTIGATOR), body.getBytes(StandardCharsets.UTF_8));
    assertProblem(r, 400, "schema-violation");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"text\": ",
        "{\"text\": \"a\",}",
        "{\"text\": \"a\"} trailing",
        "not json",
        "{\"text\": \"a\", \"text\": \"b\"}",
        ""
      })
  void malformedJsonIs400(String body) throws Exception {
    HttpResponse<Buffer> r =
        postRaw("/v1/detect", newToken(Role.INVESTIGATOR), body.getBytes(StandardCharsets.UTF_8));
    assertProblem(r, 400, "malformed-json");
  }

  @Test
  void malformedUtf8Is400() throws Exception {
    byte[] head = "{\"text\": \"caf".getBytes(StandardCharsets.US_ASCII);
    byte[] body = new byte[head.length + 3];
    System.arraycopy(head, 0, body, 0, head.length);
    body[head.length] = (byte) 0xC3; // a lead byte followed by a non-continuation byte
    body[head.length + 1] = '"';
    body[head.length + 2] = '}';
    assertProblem(postRaw("/v1/detect", newToken(Role.INVESTIGATOR), body), 400, "malformed-utf8");
  }

  @Test
  void missingOrBadTokenIs401() throws Exception {
    Map<String, String> req = Map.of("text", "a b c");
    HttpResponse<Buffer> none = post("/v1/detect", null, req);
    assertProblem(none, 401, "unauthorized");
    assertEquals("Bearer", none.getHeader("WWW-Authenticate"));
    assertProblem(post("/v1/detect", "not-a-token", req), 401, "unauthorized");
    String good = newToken(Role.INVESTIGATOR);
    String forged = good.substring(0, good.length() - 2) + (good.endsWith("AA") ? "BB" : "AA");
    assertProblem(post("/v1/detect", forged, req), 401, "unauthorized");
    assertProblem(get("/v1/audit", null), 401, "unauthorized");
    assertProblem(
        get("/v1/admin/tokens", "tt_0123456789abcdef_" + "A".repeat(43)), 401, "unauthorized");
  }

  @Test
  void wrongRoleIs403() throws Exception {
    assertProblem(
        post("/v1/detect", newToken(Role.AUDITOR), Map.of("text", "a b c")), 403, "forbidden");
    assertProblem(post("/v1/detect", admin, Map.of("text", "a b c")), 403, "forbidden");
    assertProblem(get("/v1/audit", newToken(Role.INVESTIGATOR)), 403, "forbidden");
    assertProblem(get("/v1/admin/tokens", newToken(Role.AUDITOR)), 403, "forbidden");
    assertProblem(
        post("/v1/admin/tokens", newToken(Role.INVESTIGATOR), Map.of("role", "admin")),
        403,
        "forbidden");
    assertProblem(
        send(
            HttpMethod.DELETE,
            "/v1/admin/tokens/0123456789abcdef",
            newToken(Role.INVESTIGATOR),
            null),
        403,
        "forbidden");
  }

  @Test
  void oversizeBodyAndTextAre413() throws Exception {
    String bearer = newToken(Role.INVESTIGATOR);
    String big = "word ".repeat((int) (BODY_LIMIT / 5) + 10);
    assertProblem(post("/v1/detect", bearer, Map.of("text", big)), 413, "body-too-large");
    String longText = "x ".repeat(TEXT_LIMIT / 2 + 10);
    assertProblem(post("/v1/detect", bearer, Map.of("text", longText)), 413, "text-too-long");
    assertProblem(
        post("/v1/admin/tokens", admin, Map.of("role", "admin", "label", big)),
        413,
        "body-too-large");
  }

  @Test
  void rateLimitIs429WithRetryAfter() throws Exception {
    String bearer = newToken(Role.INVESTIGATOR);
    for (int i = 0; i < BURST; i++) {
      assertEquals(200, post("/v1/detect", bearer, Map.of("text", "a b c d e " + i)).statusCode());
    }
    HttpResponse<Buffer> r = post("/v1/detect", bearer, Map.of("text", "one too many"));
    assertProblem(r, 429, "rate-limited");
    long retry = Long.parseLong(r.getHeader("Retry-After"));
    assertTrue(retry >= 1 && retry <= 10, () -> "Retry-After " + retry);
    // The bucket is per token: another investigator is unaffected.
    assertEquals(
        200, post("/v1/detect", newToken(Role.INVESTIGATOR), Map.of("text", "a b")).statusCode());
  }

  @Test
  void unknownIdsAre404() throws Exception {
    assertProblem(
        send(HttpMethod.DELETE, "/v1/admin/tokens/0123456789abcdef", admin, null),
        404,
        "unknown-token");
    assertProblem(
        post(
            "/v1/detect",
            newToken(Role.INVESTIGATOR),
            Map.of("text", "a b c", "key_id", "no-such-key")),
        404,
        "unknown-key");
    assertProblem(get("/v1/nothing-here", admin), 404, "not-found");
  }

  @Test
  void wrongMethodOnAnApiRouteIs405WithAllow() throws Exception {
    String bearer = newToken(Role.INVESTIGATOR);
    Map<String, String> allow =
        Map.of(
            "/v1/detect", "POST",
            "/v1/provenance/verify", "POST",
            "/v1/attribution", "POST",
            "/health", "GET",
            "/v1/admin/tokens", "GET, POST",
            "/v1/admin/tokens/0123456789abcdef", "DELETE");
    for (var e : allow.entrySet()) {
      HttpMethod wrong = e.getValue().contains("GET") ? HttpMethod.PUT : HttpMethod.GET;
      HttpResponse<Buffer> r = send(wrong, e.getKey(), bearer, null);
      assertProblem(r, 405, "method-not-allowed");
      assertEquals(e.getValue(), r.getHeader("Allow"), e.getKey());
    }
    HttpResponse<Buffer> put = send(HttpMethod.PUT, "/v1/attribution", bearer, Buffer.buffer("{}"));
    assertProblem(put, 405, "method-not-allowed");
    assertEquals("POST", put.getHeader("Allow"));
    // Paths no route knows stay 404, whatever the method; the page is still served.
    assertProblem(get("/v1/detect/more", bearer), 404, "not-found");
    assertProblem(post("/v1/nothing-here", bearer, Map.of()), 404, "not-found");
    assertEquals(200, get("/", null).statusCode());
  }

  @Test
  void everyDetectionIsAuditedWithADigestAndNeverTheText() throws Exception {
    String marker = "audit-marker-" + UUID.randomUUID();
    String text = Fixtures.HUMAN + " " + marker;
    String investigator = newToken(Role.INVESTIGATOR);
    HttpResponse<Buffer> d = post("/v1/detect", investigator, Map.of("text", text));
    assertEquals(200, d.statusCode());
    String digest = DetectionEngine.sha256Hex(text.getBytes(StandardCharsets.UTF_8));

    HttpResponse<Buffer> r = get("/v1/audit?limit=1000", newToken(Role.AUDITOR));
    assertEquals(200, r.statusCode(), r::bodyAsString);
    assertFalse(r.bodyAsString().contains(marker));
    JsonNode row = null;
    for (JsonNode e : json(r).get("entries")) {
      if (e.get("input_sha256").asText().equals(digest)) {
        row = e;
      }
    }
    assertTrue(row != null, "no audit row with the input's digest");
    assertEquals(investigator.substring(3, 19), row.get("token_id").asText());
    assertEquals("/v1/detect", row.get("route").asText());
    assertEquals(json(d).get("verdict").asText(), row.get("verdict").asText());
    assertEquals(json(d).get("p_value").asDouble(), row.get("p_value").asDouble());
    assertEquals(json(d).get("tokens").asInt(), row.get("input_tokens").asInt());

    // Nothing in the database holds the text: read every column of every audit row.
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
    assertProblem(get("/v1/audit?limit=0", newToken(Role.AUDITOR)), 400, "bad-parameter");
    assertProblem(get("/v1/audit?before=x", newToken(Role.AUDITOR)), 400, "bad-parameter");
  }

  @Test
  void adminCreatesListsAndRevokesTokens() throws Exception {
    HttpResponse<Buffer> c =
        post("/v1/admin/tokens", admin, Map.of("role", "investigator", "label", "alice"));
    assertEquals(201, c.statusCode(), c::bodyAsString);
    String bearer = json(c).get("token").asText();
    String id = json(c).get("id").asText();
    assertEquals("investigator", json(c).get("role").asText());
    assertEquals(200, post("/v1/detect", bearer, Map.of("text", "a b c")).statusCode());

    HttpResponse<Buffer> list = get("/v1/admin/tokens", admin);
    assertEquals(200, list.statusCode());
    assertTrue(list.bodyAsString().contains(id));
    assertFalse(list.bodyAsString().contains(bearer.substring(20)), "list shows a secret");

    HttpResponse<Buffer> del = send(HttpMethod.DELETE, "/v1/admin/tokens/" + id, admin, null);
    assertEquals(200, del.statusCode(), del::bodyAsString);
    assertTrue(json(del).has("revoked"));
    assertProblem(post("/v1/detect", bearer, Map.of("text", "a b c")), 401, "unauthorized");

    assertProblem(post("/v1/admin/tokens", admin, Map.of("role", "root")), 400, "schema-violation");
    assertProblem(
        postRaw("/v1/admin/tokens", admin, "{".getBytes(StandardCharsets.UTF_8)),
        400,
        "malformed-json");
  }

  @Test
  void healthReportsTheDatabase() throws Exception {
    HttpResponse<Buffer> r = get("/health", null);
    assertEquals(200, r.statusCode());
    assertEquals("up", json(r).get("status").asText());
    assertEquals("up", json(r).get("checks").get("database").asText());
  }

  @Test
  void metricsCountRequestsDetectionsAndJobs() throws Exception {
    assertEquals(
        200,
        post("/v1/detect", newToken(Role.INVESTIGATOR), Map.of("text", Fixtures.watermarkedText()))
            .statusCode());
    HttpResponse<Buffer> r = get("/metrics", null);
    assertEquals(200, r.statusCode());
    assertTrue(r.getHeader("Content-Type").startsWith("text/plain"));
    String m = r.bodyAsString();
    assertTrue(m.contains("telltale_detections_total{verdict=\"watermarked\"}"), m);
    assertTrue(
        m.contains(
            "telltale_http_requests_total{route=\"/v1/detect\",method=\"POST\",status=\"200\"}"),
        m);
    assertTrue(
        m.contains(
            "telltale_http_request_duration_seconds_bucket{route=\"/v1/detect\",le=\"+Inf\"}"),
        m);
    assertTrue(m.contains("telltale_jobs{state=\"queued\"}"), m);
    // A request refused by the body limit still counts under its route.
    String big = "word ".repeat((int) (BODY_LIMIT / 5) + 10);
    assertEquals(
        413, post("/v1/detect", newToken(Role.INVESTIGATOR), Map.of("text", big)).statusCode());
    String after = get("/metrics", null).bodyAsString();
    assertTrue(
        after.contains(
            "telltale_http_requests_total{route=\"/v1/detect\",method=\"POST\",status=\"413\"}"),
        after);
  }

  @Test
  void openApiDocumentIsServed() throws Exception {
    HttpResponse<Buffer> r = get("/openapi.json", null);
    assertEquals(200, r.statusCode());
    JsonNode doc = json(r);
    assertTrue(doc.get("openapi").asText().startsWith("3."));
    assertTrue(doc.get("paths").has("/v1/detect"));
    assertTrue(doc.get("components").get("schemas").has("DetectRequest"));
  }

  @Test
  void aJobLeaseIsHeldByOneWorkerUntilItExpires() throws Exception {
    JobStore jobs = new JobStore(service.database().dataSource());
    String id = jobs.create("lease-test", "0123456789abcdef", "upload:test", "{}");
    assertTrue(jobs.claim(id, "worker-a", Duration.ofMinutes(5)));
    assertFalse(jobs.claim(id, "worker-b", Duration.ofMinutes(5)));
    assertFalse(jobs.checkpoint(id, "worker-b", Duration.ofMinutes(5), 10, "{\"docs\":10}"));
    assertTrue(jobs.checkpoint(id, "worker-a", Duration.ofMillis(1), 10, "{\"docs\":10}"));
    Thread.sleep(20);
    assertTrue(jobs.claim(id, "worker-b", Duration.ofMinutes(5)), "an expired lease is taken over");
    JobStore.Job j = jobs.find(id).orElseThrow();
    assertEquals("worker-b", j.leaseOwner().orElseThrow());
    assertEquals(2, j.attempts());
    assertEquals(10, j.progressDone());
    assertEquals("{\"docs\":10}", j.checkpoint().orElseThrow());
    assertNotEquals(0L, jobs.countByState().get("running"));
  }

  /** The tokens of the normal form that won {@code core} for {@code text}. */
  static int[] textIds(dev.telltale.text.Tokenizer tok, String text, KeySetDetection core) {
    return dev.telltale.detect.FormTokens.of(
            dev.telltale.detect.FormTokens.encode(
                tok, text, dev.telltale.detect.FormTokens.DEFAULT_FAMILY),
            core.best().normalForm().orElseThrow())
        .ids();
  }

  /** {@code o} with the spoofing check the service adds (its default reference). */
  static com.fasterxml.jackson.databind.node.ObjectNode withSpread(
      com.fasterxml.jackson.databind.node.ObjectNode o,
      KeySetDetection core,
      KeySet set,
      dev.telltale.text.Tokenizer tok,
      DetectionPolicy policy,
      int[] ids) {
    return DetectionJson.addSpreadCheck(
        o,
        core,
        dev.telltale.detect.Detector.of(set.get(core.best().keyId()).orElseThrow(), tok, policy),
        ids,
        0,
        dev.telltale.detect.SpreadReference.tokenizerRanks(),
        dev.telltale.detect.SpreadReference.DEFAULT_RARE_LEVEL);
  }
}
