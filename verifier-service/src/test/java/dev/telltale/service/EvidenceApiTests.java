package dev.telltale.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.evidence.Envelope;
import dev.telltale.evidence.EnvelopeReader;
import dev.telltale.evidence.EnvelopeVerifier;
import dev.telltale.evidence.EvidenceStatement;
import dev.telltale.evidence.EvidenceVerification.Reason;
import dev.telltale.evidence.Subject;
import dev.telltale.evidence.log.ConsistencyProof;
import dev.telltale.evidence.log.InMemoryLogStore;
import dev.telltale.evidence.log.LogProof;
import dev.telltale.evidence.log.LogVerifier;
import dev.telltale.evidence.log.MerkleLog;
import dev.telltale.evidence.log.SignedTreeHead;
import dev.telltale.provenance.PublicKeySet;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Evidence over real HTTP, run against each database by the subclasses: what {@code POST
 * /v1/detect?evidence=true} answers verifies offline with core's {@link EnvelopeVerifier} against
 * the published keys, and its inclusion proof against the service's signed tree head with core's
 * {@link LogVerifier}; the log is consistent as it grows and stays one tree when several writers
 * append at once.
 */
abstract class EvidenceApiTests extends ServiceTestBase {

  PublicKeySet publishedKeys() throws Exception {
    return PublicKeySet.parse(get("/.well-known/telltale-keys", null).body().getBytes());
  }

  @Test
  void detectionEvidenceVerifiesOfflineAndIsProvedInTheLog() throws Exception {
    String inv = newToken(Role.INVESTIGATOR);
    String text = Fixtures.watermarkedText();
    ObjectNode req = MAPPER.createObjectNode().put("text", text);
    JsonNode plain = json(post("/v1/detect", inv, req));
    HttpResponse<Buffer> r = post("/v1/detect?evidence=true", inv, req);
    assertEquals(200, r.statusCode(), r::bodyAsString);
    ObjectNode answer = (ObjectNode) json(r);
    JsonNode ev = answer.remove("evidence");
    assertEquals(plain, answer, "evidence only adds the evidence member");

    PublicKeySet pub = publishedKeys();
    Envelope env = EnvelopeReader.parse(MAPPER.writeValueAsBytes(ev.get("envelope")));
    Subject subject = Subject.of("text", text.getBytes(StandardCharsets.UTF_8));
    assertEquals(Reason.VALID, EnvelopeVerifier.of(pub).verify(env, List.of(subject)).reason());
    EvidenceStatement st = EnvelopeReader.statement(env);
    // The statement holds the result in canonical JSON (49.0 is written 49): equal as numbers.
    assertTrue(
        plain.equals(
            (x, y) ->
                x.isNumber() && y.isNumber()
                    ? Double.compare(x.doubleValue(), y.doubleValue())
                    : x.equals(y) ? 0 : 1,
            st.result()),
        () -> plain + " vs " + st.result());
    assertEquals(subject.sha256(), st.subjects().get(0).sha256());

    String id = ev.get("id").asText();
    long index = ev.get("log_index").asLong();
    HttpResponse<Buffer> stored = get("/v1/evidence/" + id, inv);
    assertEquals(200, stored.statusCode(), stored::bodyAsString);
    JsonNode s = json(stored);
    assertEquals(ev.get("envelope"), s.get("envelope"));
    assertEquals(index, s.get("log_index").asLong());
    LogProof proof = LogProof.parse(MAPPER.writeValueAsBytes(s.get("proof")));
    assertEquals(Reason.VALID, LogVerifier.of(pub).verifyInclusion(env, proof).reason());

    SignedTreeHead head = SignedTreeHead.fromJson(json(get("/v1/log/tree-head", null)).deepCopy());
    assertEquals(Reason.VALID, head.verify(pub).reason());
    assertTrue(head.treeSize() > index);
    LogProof byIndex =
        LogProof.parse(
            get("/v1/log/proof?index=" + index + "&size=" + head.treeSize(), null)
                .body()
                .getBytes());
    assertEquals(Reason.VALID, LogVerifier.of(pub).verifyInclusion(env, byIndex).reason());
    assertArrayEquals(head.rootHash(), byIndex.treeHead().rootHash());
    // A proof for another entry does not prove this envelope.
    if (index > 0) {
      LogProof other =
          LogProof.parse(get("/v1/log/proof?index=" + (index - 1), null).body().getBytes());
      assertEquals(Reason.NOT_IN_LOG, LogVerifier.of(pub).verifyInclusion(env, other).reason());
    }

    // The log grows consistently.
    assertEquals(200, post("/v1/detect?evidence=true", inv, req).statusCode());
    JsonNode c = json(get("/v1/log/consistency?first=" + head.treeSize(), null));
    assertEquals("telltale-consistency-proof", c.get("format").asText());
    SignedTreeHead first = SignedTreeHead.fromJson(c.get("first"));
    SignedTreeHead second = SignedTreeHead.fromJson(c.get("second"));
    assertEquals(head, first);
    assertTrue(second.treeSize() > first.treeSize());
    assertEquals(
        Reason.VALID,
        LogVerifier.of(pub)
            .verifyConsistency(first, second, ConsistencyProof.fromJson(c.get("proof")))
            .reason());

    // Auditors read any evidence; other investigators do not learn it exists.
    assertEquals(200, get("/v1/evidence/" + id, newToken(Role.AUDITOR)).statusCode());
    assertProblem(get("/v1/evidence/" + id, newToken(Role.INVESTIGATOR)), 404, "unknown-evidence");
  }

  /**
   * {@code GET /v1/evidence/{id}/report}: core's report of the stored envelope, its signature
   * checked against the service's keys, under a policy that forbids every external load.
   */
  @Test
  void evidenceReportIsSelfContainedHtmlWithTheVerdictHeatMapAndValidSignature() throws Exception {
    String inv = newToken(Role.INVESTIGATOR);
    ObjectNode req =
        MAPPER.createObjectNode().put("text", Fixtures.watermarkedText()).put("explain", true);
    HttpResponse<Buffer> r = post("/v1/detect?evidence=true", inv, req);
    assertEquals(200, r.statusCode(), r::bodyAsString);
    String id = json(r).get("evidence").get("id").asText();

    HttpResponse<Buffer> report = get("/v1/evidence/" + id + "/report", inv);
    assertEquals(200, report.statusCode(), report::bodyAsString);
    assertEquals("text/html; charset=utf-8", report.getHeader("Content-Type"));
    assertEquals("nosniff", report.getHeader("X-Content-Type-Options"));
    String csp = report.getHeader("Content-Security-Policy");
    assertTrue(csp.startsWith("default-src 'none';"), csp);
    for (String allowed : csp.split(";")) {
      assertFalse(allowed.contains("'self'") && !allowed.contains("frame-ancestors"), csp);
      assertFalse(allowed.contains("http") || allowed.contains("*"), csp);
    }
    String html = report.bodyAsString();
    assertTrue(html.startsWith("<!DOCTYPE html>"), html);
    assertTrue(html.contains("<span id=\"signature\" class=\"sig VALID\">VALID</span>"), html);
    assertTrue(html.contains("<div id=\"heatmap\""), html);
    assertTrue(html.contains("class=\"verdict positive\""), html);
    assertTrue(
        html.contains(
            "telltale evidence verify finding-"
                + id
                + ".dsse.json --public telltale-keys.json --proof finding-"
                + id
                + ".proof.json --subject text"),
        html);
    // Self-contained: nothing to load, nothing to run.
    for (String external : List.of("<script", "<link", " src=", "href=\"http", "url(")) {
      assertFalse(html.contains(external), external);
    }
    // The digest of the tested text is shown; the text's key material never is.
    String digest =
        Subject.of("text", Fixtures.watermarkedText().getBytes(StandardCharsets.UTF_8)).sha256();
    assertTrue(html.contains(digest));
    for (String secret : Fixtures.secretForms()) {
      assertFalse(html.contains(secret), "the report contains key material");
    }

    assertEquals(200, get("/v1/evidence/" + id + "/report", newToken(Role.AUDITOR)).statusCode());
    assertProblem(get("/v1/evidence/" + id + "/report", null), 401, "unauthorized");
    assertProblem(get("/v1/evidence/" + id + "/report", "not-a-token"), 401, "unauthorized");
    assertProblem(get("/v1/evidence/" + id + "/report", admin), 403, "forbidden");
    assertProblem(
        get("/v1/evidence/" + id + "/report", newToken(Role.INVESTIGATOR)),
        404,
        "unknown-evidence");
    assertProblem(
        get("/v1/evidence/" + UUID.randomUUID() + "/report", inv), 404, "unknown-evidence");
    assertProblem(get("/v1/evidence/nope/report", inv), 404, "unknown-evidence");
  }

  @Test
  void radioactivityEvidenceVerifiesAgainstTheExchangesFile() throws Exception {
    String inv = newToken(Role.INVESTIGATOR);
    byte[] body =
        MAPPER.writeValueAsBytes(
            java.util.Map.of(
                "answers", RadioactivityApiTests.answersBody(Fixtures.radioactiveAnswers())));
    JsonNode plain = json(postRaw("/v1/radioactivity", inv, body));
    HttpResponse<Buffer> r = postRaw("/v1/radioactivity?evidence=true", inv, body);
    assertEquals(200, r.statusCode(), r::bodyAsString);
    ObjectNode answer = (ObjectNode) json(r);
    JsonNode ev = answer.remove("evidence");
    assertEquals(plain, answer, "evidence only adds the evidence member");
    Envelope env = EnvelopeReader.parse(MAPPER.writeValueAsBytes(ev.get("envelope")));
    PublicKeySet pub = publishedKeys();
    // The subject is the JSONL file the recorded command reads, not the JSON body.
    byte[] jsonl =
        dev.telltale.evidence.ExchangesFile.bytes(
            Fixtures.radioactiveAnswers().stream()
                .map(a -> new dev.telltale.evidence.ExchangesFile.Exchange(a[0], a[1]))
                .toList());
    assertEquals(
        Reason.VALID,
        EnvelopeVerifier.of(pub).verify(env, List.of(Subject.of("answers.jsonl", jsonl))).reason());
    assertEquals(
        Reason.DIGEST_MISMATCH,
        EnvelopeVerifier.of(pub).verify(env, List.of(Subject.of("answers", body))).reason());
    EvidenceStatement st = EnvelopeReader.statement(env);
    assertEquals("radioactivity", st.kind().label());
    JsonNode stored = json(get("/v1/evidence/" + ev.get("id").asText(), inv));
    assertEquals("/v1/radioactivity", stored.get("route").asText());
    LogProof proof = LogProof.parse(MAPPER.writeValueAsBytes(stored.get("proof")));
    assertEquals(Reason.VALID, LogVerifier.of(pub).verifyInclusion(env, proof).reason());
  }

  @Test
  void attributionEvidenceNamesEachDocumentBySubject() throws Exception {
    String inv = newToken(Role.INVESTIGATOR);
    String a = Fixtures.attributedText();
    String b = Fixtures.HUMAN;
    Object req =
        java.util.Map.of(
            "documents",
            List.of(
                java.util.Map.of("id", "a", "text", a), java.util.Map.of("id", "b", "text", b)));
    JsonNode plain = json(post("/v1/attribution", inv, req));
    HttpResponse<Buffer> r = post("/v1/attribution?evidence=true", inv, req);
    assertEquals(200, r.statusCode(), r::bodyAsString);
    ObjectNode answer = (ObjectNode) json(r);
    JsonNode ev = answer.remove("evidence");
    assertEquals(plain, answer, "evidence only adds the evidence member");
    Envelope env = EnvelopeReader.parse(MAPPER.writeValueAsBytes(ev.get("envelope")));
    PublicKeySet pub = publishedKeys();
    List<Subject> docs =
        List.of(
            Subject.of("a", a.getBytes(StandardCharsets.UTF_8)),
            Subject.of("b", b.getBytes(StandardCharsets.UTF_8)));
    assertEquals(Reason.VALID, EnvelopeVerifier.of(pub).verify(env, docs).reason());
    EvidenceStatement st = EnvelopeReader.statement(env);
    assertEquals("attribution", st.kind().label());
    assertEquals(Fixtures.PAYLOAD.id().value(), st.key().keyId());
    LogProof proof =
        LogProof.parse(
            get("/v1/log/proof?index=" + ev.get("log_index").asLong(), null).body().getBytes());
    assertEquals(Reason.VALID, LogVerifier.of(pub).verifyInclusion(env, proof).reason());
  }

  @Test
  void evidenceAndLogRoutesRefuseBadRequests() throws Exception {
    String inv = newToken(Role.INVESTIGATOR);
    ObjectNode req = MAPPER.createObjectNode().put("text", Fixtures.HUMAN);
    assertProblem(post("/v1/detect?evidence=maybe", inv, req), 400, "bad-parameter");
    assertProblem(post("/v1/detect?evidence=true", null, req), 401, "unauthorized");
    assertProblem(post("/v1/detect?evidence=true", admin, req), 403, "forbidden");
    HttpResponse<Buffer> r = post("/v1/detect?evidence=true", inv, req);
    assertEquals(200, r.statusCode(), r::bodyAsString);
    String id = json(r).get("evidence").get("id").asText();

    assertProblem(get("/v1/evidence/" + id, null), 401, "unauthorized");
    assertProblem(get("/v1/evidence/" + id, "not-a-token"), 401, "unauthorized");
    assertProblem(get("/v1/evidence/" + id, admin), 403, "forbidden");
    assertProblem(get("/v1/evidence/" + UUID.randomUUID(), inv), 404, "unknown-evidence");
    assertProblem(get("/v1/evidence/nope", inv), 404, "unknown-evidence");

    long size = SignedTreeHead.fromJson(json(get("/v1/log/tree-head", null))).treeSize();
    assertProblem(get("/v1/log/proof", null), 400, "bad-parameter");
    assertProblem(get("/v1/log/proof?index=x", null), 400, "bad-parameter");
    assertProblem(get("/v1/log/proof?index=-1", null), 400, "bad-parameter");
    assertProblem(get("/v1/log/proof?index=" + size, null), 400, "bad-parameter");
    assertProblem(
        get("/v1/log/proof?index=0&size=" + (size + 1000), null), 404, "unknown-tree-size");
    assertProblem(get("/v1/log/consistency", null), 400, "bad-parameter");
    assertProblem(get("/v1/log/consistency?first=0", null), 400, "bad-parameter");
    assertProblem(
        get("/v1/log/consistency?first=" + (size + 1) + "&second=" + size, null),
        400,
        "bad-parameter");
    assertProblem(get("/v1/log/consistency?first=" + (size + 1000), null), 400, "bad-parameter");
  }

  /**
   * Two writers on one database (as two instances behind a load balancer): 24 issues racing from
   * two {@link EvidenceLog}s get unique, contiguous indexes, and the stored tree is the reference
   * tree of the entries in index order.
   */
  @Test
  void concurrentAppendsFromTwoWritersKeepOneConsistentTree() throws Exception {
    EvidenceLog a = new EvidenceLog(service.database().dataSource(), keySet());
    EvidenceLog b = new EvidenceLog(service.database().dataSource(), keySet());
    String token = newToken(Role.INVESTIGATOR).substring(3, 19);
    DetectionEngine engine = new DetectionEngine(keySet(), 100_000);
    int n = 24;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CyclicBarrier start = new CyclicBarrier(8);
    try {
      List<Future<EvidenceLog.Issued>> issued = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        EvidenceLog log = i % 2 == 0 ? a : b;
        String text = "concurrent evidence " + i;
        boolean first = i < 8;
        issued.add(
            pool.submit(
                () -> {
                  DetectionEngine.Request req =
                      DetectionEngine.Request.fromJson(MAPPER.createObjectNode().put("text", text));
                  DetectionEngine.Outcome out = engine.detect(req);
                  if (first) {
                    start.await();
                  }
                  return log.issue(
                      token,
                      "/v1/detect",
                      FindingStatements.detection(keySet(), req, out),
                      Optional.empty());
                }));
      }
      Set<Long> indexes = new HashSet<>();
      for (Future<EvidenceLog.Issued> f : issued) {
        assertTrue(indexes.add(f.get().logIndex()), "an index was given twice");
      }
      long min = indexes.stream().mapToLong(Long::longValue).min().orElseThrow();
      long max = indexes.stream().mapToLong(Long::longValue).max().orElseThrow();
      assertEquals(n - 1, max - min, "indexes are contiguous");
    } finally {
      pool.shutdownNow();
    }
    // The stored tree equals the reference tree of the stored entries in index order.
    MerkleLog reference = MerkleLog.over(new InMemoryLogStore());
    try (Connection c = service.database().dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT entry FROM log_entries ORDER BY entry_index");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        reference.append(java.util.Base64.getDecoder().decode(rs.getString(1)));
      }
    }
    SignedTreeHead head = a.treeHead().orElseThrow();
    assertEquals(reference.size(), head.treeSize());
    assertArrayEquals(reference.root(), head.rootHash());
    assertFalse(b.treeHead().isEmpty());
  }
}
