package dev.telltale.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.forensics.corpus.DocumentSource;
import dev.telltale.forensics.scan.CorpusScan;
import dev.telltale.forensics.scan.ScanJson;
import dev.telltale.forensics.scan.ScanListener;
import dev.telltale.forensics.scan.ScanResult;
import dev.telltale.text.Tokenizers;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code /v1/scans} over real HTTP, run against each database by the subclasses: every finished
 * job's summary equals core's {@link CorpusScan} of the same corpus, value for value.
 */
abstract class ScanApiTests extends EvidenceApiTests {

  /** The scan corpus as JSONL, one {@code {"id", "text"}} object a line. */
  static byte[] corpusJsonl() throws Exception {
    StringBuilder sb = new StringBuilder();
    List<String> texts = Fixtures.scanTexts();
    for (int i = 0; i < texts.size(); i++) {
      ObjectNode o = MAPPER.createObjectNode();
      o.put("id", (i < 6 ? "wm-" : "plain-") + i);
      o.put("body", texts.get(i));
      sb.append(MAPPER.writeValueAsString(o)).append('\n');
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** What core answers for {@code file}: the reference every job result must equal. */
  static JsonNode coreScan(Path file, String field, double fdr, Path work) throws Exception {
    try (DocumentSource src = DocumentSource.files(List.of(file), field)) {
      ScanResult r =
          CorpusScan.of(
                  Fixtures.KEYS,
                  Tokenizers.byName(Tokenizers.CL100K_BASE),
                  CorpusScan.Options.defaults().withFdr(fdr))
              .run(src, work, ScanListener.NONE);
      return MAPPER.readTree(ScanJson.of(r).toString());
    }
  }

  /** Polls the job until it ends (at most a minute). */
  JsonNode awaitEnd(String id, String bearer) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      HttpResponse<Buffer> r = get("/v1/scans/" + id, bearer);
      assertEquals(200, r.statusCode(), r::bodyAsString);
      JsonNode j = json(r);
      String state = j.get("state").asText();
      if (!state.equals("queued") && !state.equals("running")) {
        return j;
      }
      assertTrue(System.nanoTime() < deadline, "the scan did not end: " + j);
      Thread.sleep(100);
    }
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Test
  void anUploadedCorpusScansToTheCoreResultWithDocumentsAndAnAuditRow() throws Exception {
    String inv = newToken(Role.INVESTIGATOR);
    byte[] corpus = corpusJsonl();
    HttpResponse<Buffer> created =
        upload("?field=body&fdr=0.05", inv, "application/x-ndjson", corpus);
    assertEquals(202, created.statusCode(), created::bodyAsString);
    String id = json(created).get("id").asText();
    assertEquals("/v1/scans/" + id, created.getHeader("Location"));
    assertEquals(sha256(corpus), json(created).get("input_sha256").asText());

    JsonNode done = awaitEnd(id, inv);
    assertEquals("done", done.get("state").asText(), done::toString);
    Path file = Files.write(Files.createTempDirectory(dir, "ref").resolve("c.jsonl"), corpus);
    JsonNode expected = coreScan(file, "body", 0.05, file.resolveSibling("work"));
    assertEquals(expected, done.get("result"), "service and core scan differ");
    assertEquals(24, done.get("progress").get("documents").asLong());
    assertEquals(24, done.get("checkpoint").get("documents").asLong(), done::toString);
    // The watermarked documents make the pooled test decisive and are all suspects.
    assertTrue(expected.get("log10_pooled_p_value").asDouble() < -10, expected::toString);
    List<String> suspects = new java.util.ArrayList<>();
    expected.get("suspect_documents").get("ids").forEach(s -> suspects.add(s.asText()));
    for (int i = 0; i < 6; i++) {
      assertTrue(suspects.contains("wm-" + i), expected::toString);
    }

    HttpResponse<Buffer> docs = get(done.get("documents").asText(), inv);
    assertEquals(200, docs.statusCode(), docs::bodyAsString);
    assertEquals(
        Files.readString(file.resolveSibling("work").resolve("documents.jsonl")),
        docs.bodyAsString());

    JsonNode audit = json(get("/v1/audit?limit=1000", newToken(Role.AUDITOR))).get("entries");
    int rows = 0;
    for (JsonNode row : audit) {
      if (row.get("route").asText().equals("/v1/scans")
          && row.get("token_id").asText().equals(inv.substring(3, 19))
          && row.get("input_sha256").asText().equals(sha256(corpus))) {
        rows++;
        assertEquals(expected.get("pooled_p_value").asDouble(), row.get("p_value").asDouble());
        assertEquals(expected.get("tokens").asInt(), row.get("input_tokens").asInt());
      }
    }
    assertEquals(1, rows, "one audit row per scan");
    String metrics = get("/metrics", null).bodyAsString();
    assertTrue(metrics.contains("telltale_jobs{state=\"succeeded\"}"), metrics);
  }

  /**
   * {@code ?evidence=true}: the finished job issues one signed finding (the statement {@code
   * telltale scan --evidence} builds) in the transaction that ends it; it verifies against the
   * uploaded bytes and the published keys, is proved in the log, and a second finding for the same
   * job (a resumed job finishing again) is refused by the database.
   */
  @Test
  void aScanWithEvidenceIssuesExactlyOneSignedFindingWhenDone() throws Exception {
    String inv = newToken(Role.INVESTIGATOR);
    byte[] corpus = corpusJsonl();
    assertProblem(
        upload("?evidence=maybe", inv, "application/x-ndjson", corpus), 400, "bad-parameter");
    HttpResponse<Buffer> created =
        upload("?field=body&evidence=true", inv, "application/x-ndjson", corpus);
    assertEquals(202, created.statusCode(), created::bodyAsString);
    String id = json(created).get("id").asText();
    JsonNode done = awaitEnd(id, inv);
    assertEquals("done", done.get("state").asText(), done::toString);
    JsonNode ev = done.get("evidence");
    assertTrue(ev != null && ev.has("id"), done::toString);
    String evId = ev.get("id").asText();
    assertEquals("/v1/evidence/" + evId + "/report", ev.get("report").asText());

    HttpResponse<Buffer> stored = get(ev.get("location").asText(), inv);
    assertEquals(200, stored.statusCode(), stored::bodyAsString);
    JsonNode s = json(stored);
    assertEquals("/v1/scans", s.get("route").asText());
    dev.telltale.evidence.Envelope env =
        dev.telltale.evidence.EnvelopeReader.parse(MAPPER.writeValueAsBytes(s.get("envelope")));
    dev.telltale.provenance.PublicKeySet pub = publishedKeys();
    dev.telltale.evidence.Subject upload = dev.telltale.evidence.Subject.of("upload.jsonl", corpus);
    assertEquals(
        dev.telltale.evidence.EvidenceVerification.Reason.VALID,
        dev.telltale.evidence.EnvelopeVerifier.of(pub).verify(env, List.of(upload)).reason());
    assertEquals(
        dev.telltale.evidence.EvidenceVerification.Reason.DIGEST_MISMATCH,
        dev.telltale.evidence.EnvelopeVerifier.of(pub)
            .verify(env, List.of(dev.telltale.evidence.Subject.of("x", new byte[] {1})))
            .reason());
    dev.telltale.evidence.EvidenceStatement st =
        dev.telltale.evidence.EnvelopeReader.statement(env);
    assertEquals("scan", st.kind().label());
    assertEquals(List.of(upload), st.subjects());
    assertEquals(
        List.of(
            "telltale",
            "scan",
            "--json",
            "--keys",
            "KEYS.json",
            "--field",
            "body",
            "--fdr",
            "0.01",
            "--tokenizer",
            "cl100k_base",
            "--",
            "upload.jsonl"),
        st.command());
    // The signed result is the job's result (canonical JSON writes 49.0 as 49: equal as numbers).
    assertTrue(
        done.get("result")
            .equals(
                (x, y) ->
                    x.isNumber() && y.isNumber()
                        ? Double.compare(x.doubleValue(), y.doubleValue())
                        : x.equals(y) ? 0 : 1,
                st.result()),
        () -> done.get("result") + " vs " + st.result());
    dev.telltale.evidence.log.LogProof proof =
        dev.telltale.evidence.log.LogProof.parse(MAPPER.writeValueAsBytes(s.get("proof")));
    assertEquals(
        dev.telltale.evidence.EvidenceVerification.Reason.VALID,
        dev.telltale.evidence.log.LogVerifier.of(pub).verifyInclusion(env, proof).reason());
    String report = get(ev.get("report").asText(), inv).bodyAsString();
    assertTrue(report.contains("class=\"sig VALID\""), report);
    assertTrue(report.contains("--subject upload.jsonl"), report);

    // Exactly one finding for the job, and the database refuses a second (a resumed job).
    javax.sql.DataSource ds = service.database().dataSource();
    assertEquals(1, findingsOfJob(ds, id));
    long size =
        dev.telltale.evidence.log.SignedTreeHead.fromJson(json(get("/v1/log/tree-head", null)))
            .treeSize();
    EvidenceLog log = new EvidenceLog(ds, keySet());
    try (java.sql.Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      org.junit.jupiter.api.Assertions.assertThrows(
          java.sql.SQLException.class,
          () ->
              log.issueIn(
                  c,
                  inv.substring(3, 19),
                  "/v1/scans",
                  st,
                  java.util.Optional.empty(),
                  java.util.Optional.of(id)));
      c.rollback();
      c.setAutoCommit(true);
    }
    assertEquals(1, findingsOfJob(ds, id));
    assertEquals(
        size,
        dev.telltale.evidence.log.SignedTreeHead.fromJson(json(get("/v1/log/tree-head", null)))
            .treeSize(),
        "the refused finding left nothing in the log");

    // A server-side path names its file; a scan without evidence has none.
    Path file = Files.write(dir.resolve("allowed").resolve("evidence.jsonl"), corpus);
    HttpResponse<Buffer> byPath =
        post(
            "/v1/scans",
            inv,
            MAPPER
                .createObjectNode()
                .put("path", file.toString())
                .put("field", "body")
                .put("evidence", true));
    assertEquals(202, byPath.statusCode(), byPath::bodyAsString);
    JsonNode pathDone = awaitEnd(json(byPath).get("id").asText(), inv);
    JsonNode pathEnv = json(get(pathDone.get("evidence").get("location").asText(), inv));
    dev.telltale.evidence.EvidenceStatement pathSt =
        dev.telltale.evidence.EnvelopeReader.statement(
            dev.telltale.evidence.EnvelopeReader.parse(
                MAPPER.writeValueAsBytes(pathEnv.get("envelope"))));
    assertEquals(
        List.of(dev.telltale.evidence.Subject.of(file.toRealPath().toString(), corpus)),
        pathSt.subjects());
    HttpResponse<Buffer> plain = upload("?field=body", inv, "application/x-ndjson", corpus);
    JsonNode plainDone = awaitEnd(json(plain).get("id").asText(), inv);
    assertFalse(plainDone.has("evidence"), plainDone::toString);
    assertEquals(0, findingsOfJob(ds, plainDone.get("id").asText()));
  }

  static int findingsOfJob(javax.sql.DataSource ds, String job) throws Exception {
    try (java.sql.Connection c = ds.getConnection();
        java.sql.PreparedStatement ps =
            c.prepareStatement("SELECT COUNT(*) FROM findings WHERE job_id = ?")) {
      ps.setString(1, job);
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  @Test
  void aServerSidePathScansOnlyInsideAnAllowedFolder() throws Exception {
    String inv = newToken(Role.INVESTIGATOR);
    byte[] corpus = corpusJsonl();
    Path allowed = Files.write(dir.resolve("allowed").resolve("corpus.jsonl"), corpus);
    Path outside = Files.write(dir.resolve("secret.jsonl"), corpus);

    HttpResponse<Buffer> r =
        post(
            "/v1/scans",
            inv,
            MAPPER.createObjectNode().put("path", allowed.toString()).put("field", "body"));
    assertEquals(202, r.statusCode(), r::bodyAsString);
    JsonNode done = awaitEnd(json(r).get("id").asText(), inv);
    assertEquals("done", done.get("state").asText(), done::toString);
    Path ref = Files.createTempDirectory(dir, "ref");
    assertEquals(coreScan(allowed, "body", 0.01, ref.resolve("work")), done.get("result"));

    String traversal = dir.resolve("allowed").toString() + "/../secret.jsonl";
    for (String p : List.of(outside.toString(), traversal, "/etc/passwd")) {
      assertProblem(
          post("/v1/scans", inv, MAPPER.createObjectNode().put("path", p)),
          403,
          "path-not-allowed");
    }
    Path link = dir.resolve("allowed").resolve("link.jsonl");
    Files.createSymbolicLink(link, outside);
    assertProblem(
        post("/v1/scans", inv, MAPPER.createObjectNode().put("path", link.toString())),
        403,
        "path-not-allowed");
    assertProblem(
        post("/v1/scans", inv, MAPPER.createObjectNode().put("path", "allowed/corpus.jsonl")),
        400,
        "bad-path");
    assertProblem(
        post(
            "/v1/scans",
            inv,
            MAPPER.createObjectNode().put("path", dir.resolve("allowed/none.jsonl").toString())),
        400,
        "bad-path");
    assertProblem(
        post("/v1/scans", inv, MAPPER.createObjectNode().put("file", "x")),
        400,
        "schema-violation");
  }

  @Test
  void scanRoutesRefuseWhoMayNotAndWhatIsTooLarge() throws Exception {
    String inv = newToken(Role.INVESTIGATOR);
    byte[] corpus = corpusJsonl();
    assertProblem(upload("", null, "application/x-ndjson", corpus), 401, "unauthorized");
    assertProblem(
        upload("", newToken(Role.AUDITOR), "application/x-ndjson", corpus), 403, "forbidden");
    assertProblem(
        upload("", inv, "application/octet-stream", corpus), 415, "unsupported-media-type");
    assertProblem(
        upload("", inv, "text/plain", new byte[(int) UPLOAD_LIMIT + 1]), 413, "upload-too-large");
    assertProblem(upload("?fdr=2", inv, "text/plain", corpus), 400, "bad-parameter");
    assertProblem(upload("?key_id=nope", inv, "text/plain", corpus), 400, "unknown-key");

    HttpResponse<Buffer> created = upload("", inv, "text/plain", Fixtures.HUMAN.getBytes());
    assertEquals(202, created.statusCode(), created::bodyAsString);
    String id = json(created).get("id").asText();
    assertEquals("done", awaitEnd(id, inv).get("state").asText());
    // Another investigator does not learn that the job exists; auditors and admins read it.
    assertProblem(get("/v1/scans/" + id, newToken(Role.INVESTIGATOR)), 404, "unknown-scan");
    assertProblem(
        get("/v1/scans/" + id + "/documents", newToken(Role.INVESTIGATOR)), 404, "unknown-scan");
    assertEquals(200, get("/v1/scans/" + id, newToken(Role.AUDITOR)).statusCode());
    assertEquals(200, get("/v1/scans/" + id, admin).statusCode());
    assertProblem(
        send(HttpMethod.DELETE, "/v1/scans/" + id, newToken(Role.AUDITOR), null), 403, "forbidden");
    assertProblem(send(HttpMethod.DELETE, "/v1/scans/" + id, inv, null), 409, "scan-ended");
    assertProblem(get("/v1/scans/" + java.util.UUID.randomUUID(), inv), 404, "unknown-scan");
    assertProblem(get("/v1/scans/nope", inv), 404, "unknown-scan");
    assertProblem(get("/v1/scans/" + id, null), 401, "unauthorized");
  }

  /**
   * Uploaded documents are named after the upload, never after the file the service stored it in:
   * {@code upload.jsonl:LINE} for JSONL lines without an id (and for malformed lines), {@code
   * upload.txt} for a plain-text upload (the names of its scan finding's subject), so no result
   * reveals the server's data path.
   */
  @Test
  void uploadedDocumentsAreNamedWithoutTheServersDataPath() throws Exception {
    String inv = newToken(Role.INVESTIGATOR);
    StringBuilder sb = new StringBuilder();
    List<String> texts = Fixtures.scanTexts();
    for (int i = 0; i < 4; i++) {
      sb.append(MAPPER.writeValueAsString(MAPPER.createObjectNode().put("text", texts.get(i))));
      sb.append('\n');
    }
    sb.append("{not json\n");
    HttpResponse<Buffer> created =
        upload("", inv, "application/x-ndjson", sb.toString().getBytes(StandardCharsets.UTF_8));
    assertEquals(202, created.statusCode(), created::bodyAsString);
    JsonNode done = awaitEnd(json(created).get("id").asText(), inv);
    assertEquals("done", done.get("state").asText(), done::toString);
    String docs = get(done.get("documents").asText(), inv).bodyAsString();
    List<String> ids = new java.util.ArrayList<>();
    for (String line : docs.split("\n")) {
      ids.add(MAPPER.readTree(line).get("id").asText());
    }
    assertEquals(
        List.of("upload.jsonl:1", "upload.jsonl:2", "upload.jsonl:3", "upload.jsonl:4"), ids);
    JsonNode malformed = done.get("result").get("malformed_lines");
    assertEquals(1, malformed.get("count").asInt(), malformed::toString);
    assertTrue(malformed.toString().contains("upload"), malformed::toString);
    List<String> suspects = new java.util.ArrayList<>();
    done.get("result").get("suspect_documents").get("ids").forEach(x -> suspects.add(x.asText()));
    assertTrue(suspects.contains("upload.jsonl:1"), done::toString);

    HttpResponse<Buffer> plain = upload("", inv, "text/plain", texts.get(0).getBytes());
    JsonNode one = awaitEnd(json(plain).get("id").asText(), inv);
    String oneDocs = get(one.get("documents").asText(), inv).bodyAsString();
    assertEquals("upload.txt", MAPPER.readTree(oneDocs.split("\n")[0]).get("id").asText());
    for (String body : List.of(done.toString(), docs, one.toString(), oneDocs)) {
      assertFalse(body.contains(dir.toString()), body);
      assertFalse(body.contains("corpus."), body);
    }
  }

  /**
   * The per-token job limit holds exactly under concurrent creates: 16 threads racing to queue jobs
   * for one token with a limit of 3 get exactly 3 slots.
   */
  @Test
  void theJobLimitHoldsExactlyUnderConcurrentCreates() throws Exception {
    String tokenId = newToken(Role.INVESTIGATOR).substring(3, 19);
    JobStore store = new JobStore(service.database().dataSource());
    int threads = 16;
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(threads);
    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
    try {
      List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
      for (int i = 0; i < threads; i++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return store.createWithinLimit(
                      java.util.UUID.randomUUID().toString(),
                      "limit-test",
                      tokenId,
                      "upload:x",
                      null,
                      "{}",
                      3);
                }));
      }
      int created = 0;
      for (var f : results) {
        created += f.get() ? 1 : 0;
      }
      assertEquals(3, created);
      assertEquals(3, store.active(tokenId));
    } finally {
      pool.shutdownNow();
    }
  }
}
