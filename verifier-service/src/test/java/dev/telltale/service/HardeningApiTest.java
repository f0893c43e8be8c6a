package dev.telltale.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Issue 13's per-route defences over real HTTP with the default settings (only the test base's
 * small limits): authentication before the body, 415, key ids, lone surrogates, {@code /metrics}
 * behind a token, {@code Cache-Control} on scan documents, path scans that reveal nothing outside
 * the allowed folders, owner-only files, quiet client disconnects and the connection caps.
 */
class HardeningApiTest extends ServiceTestBase {
  private static final List<String> JSON_ROUTES =
      List.of(
          "/v1/detect",
          "/v1/attribution",
          "/v1/radioactivity",
          "/v1/provenance/verify",
          "/v1/admin/tokens");

  @Override
  Map<String, String> databaseSettings(Path dir) {
    return Map.of();
  }

  @Override
  Map<String, String> extraSettings() {
    // The default: /metrics needs a token (the base opens it for the older suites).
    // The header timeout is long here so that it cannot close what the cap test counts.
    return Map.of(
        "metrics.public",
        "false",
        "rate.detect_burst",
        "1000",
        "server.header_timeout_ms",
        "60000");
  }

  @Test
  void everyJsonRouteRefusesAMissingTokenBeforeReadingTheBody() throws Exception {
    for (String route : JSON_ROUTES) {
      try (Socket s = new Socket("127.0.0.1", service.port())) {
        s.setSoTimeout(2000);
        // A large body is announced and never sent: the answer must not wait for it.
        s.getOutputStream()
            .write(
                ("POST "
                        + route
                        + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 60000\r\n\r\n{")
                    .getBytes(StandardCharsets.US_ASCII));
        String status = statusLine(s.getInputStream());
        assertTrue(status.startsWith("HTTP/1.1 401"), route + ": " + status);
      }
    }
  }

  @Test
  void jsonRoutesAnswer415ForAnotherContentType() throws Exception {
    String inv = newToken(Role.INVESTIGATOR);
    for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "text/json")) {
      HttpRequest<Buffer> req =
          client.request(HttpMethod.POST, service.port(), "127.0.0.1", "/v1/detect");
      req.putHeader("Authorization", "Bearer " + inv);
      req.putHeader("Content-Type", type);
      HttpResponse<Buffer> r =
          Fixtures.await(req.sendBuffer(Buffer.buffer("{\"text\":\"" + Fixtures.HUMAN + "\"}")));
      bodies.add(r.bodyAsString());
      assertProblem(r, 415, "unsupported-media-type");
    }
    HttpRequest<Buffer> none =
        client.request(HttpMethod.POST, service.port(), "127.0.0.1", "/v1/admin/tokens");
    none.putHeader("Authorization", "Bearer " + admin);
    HttpResponse<Buffer> r =
        Fixtures.await(none.sendBuffer(Buffer.buffer("{\"role\":\"auditor\"}")));
    bodies.add(r.bodyAsString());
    assertProblem(r, 415, "unsupported-media-type");
    assertEquals(
        200, post("/v1/detect", inv, Map.of("text", Fixtures.HUMAN)).statusCode(), "json still ok");
  }

  @Test
  void aMalformedKeyIdIs400OnEveryScoringRoute() throws Exception {
    String inv = newToken(Role.INVESTIGATOR);
    for (String bad : List.of("a b", "é", "x".repeat(65), "../../etc/passwd")) {
      assertProblem(
          post("/v1/detect", inv, Map.of("text", Fixtures.HUMAN, "key_id", bad)),
          400,
          "bad-key-id");
      assertProblem(
          post("/v1/attribution", inv, Map.of("text", Fixtures.HUMAN, "key_id", bad)),
          400,
          "bad-key-id");
      assertProblem(
          post(
              "/v1/radioactivity",
              inv,
              Map.of(
                  "answers",
                  List.of(Map.of("prompt", "p", "answer", Fixtures.HUMAN)),
                  "key_id",
                  bad)),
          400,
          "bad-key-id");
    }
  }

  @Test
  void aLoneSurrogateIs400OnEveryJsonRoute() throws Exception {
    String inv = newToken(Role.INVESTIGATOR);
    String lone = "{\"text\":\"" + Fixtures.HUMAN + " \\ud800 end\"}";
    String loneLow = "{\"text\":\"\\udc00" + Fixtures.HUMAN + "\"}";
    for (String body : List.of(lone, loneLow)) {
      assertProblem(postRaw("/v1/detect", inv, body.getBytes()), 400, "lone-surrogate");
      assertProblem(postRaw("/v1/attribution", inv, body.getBytes()), 400, "lone-surrogate");
      assertProblem(postRaw("/v1/provenance/verify", inv, body.getBytes()), 400, "lone-surrogate");
    }
    assertProblem(
        postRaw(
            "/v1/radioactivity",
            inv,
            "{\"answers\":[{\"prompt\":\"p\",\"answer\":\"a \\ud83d b\"}]}".getBytes()),
        400,
        "lone-surrogate");
    assertProblem(
        postRaw(
            "/v1/admin/tokens", admin, "{\"role\":\"auditor\",\"label\":\"\\udfff\"}".getBytes()),
        400,
        "lone-surrogate");
    // A pair is a character like any other.
    assertEquals(
        200,
        postRaw(
                "/v1/detect",
                inv,
                ("{\"text\":\"" + Fixtures.HUMAN + " \\ud83d\\ude00\"}").getBytes())
            .statusCode());
  }

  @Test
  void metricsNeedATokenByDefault() throws Exception {
    assertProblem(get("/metrics", null), 401, "unauthorized");
    assertProblem(get("/metrics", newToken(Role.INVESTIGATOR)), 403, "forbidden");
    HttpResponse<Buffer> r = get("/metrics", newToken(Role.AUDITOR));
    assertEquals(200, r.statusCode());
    assertTrue(r.bodyAsString().contains("telltale_http_requests_total"));
    assertEquals(200, get("/metrics", admin).statusCode());
  }

  @Test
  void scanDocumentsAreNotCachedAndUploadsAreOwnerOnly() throws Exception {
    String inv = newToken(Role.INVESTIGATOR);
    StringBuilder sb = new StringBuilder();
    for (String t : Fixtures.scanTexts()) {
      sb.append(MAPPER.writeValueAsString(Map.of("text", t))).append('\n');
    }
    HttpResponse<Buffer> created =
        upload("", inv, "application/x-ndjson", sb.toString().getBytes(StandardCharsets.UTF_8));
    assertEquals(202, created.statusCode(), created::bodyAsString);
    String id = json(created).get("id").asText();
    awaitDone(id, inv);
    HttpResponse<Buffer> docs = get("/v1/scans/" + id + "/documents", inv);
    assertEquals(200, docs.statusCode());
    assertEquals("no-store", docs.getHeader("Cache-Control"));

    assertEquals("rwx------", perms(dir));
    assertEquals("rwx------", perms(dir.resolve("scans")));
    assertEquals("rwx------", perms(dir.resolve("scans").resolve(id)));
    try (var files = Files.list(dir)) {
      for (Path f :
          files.filter(f -> f.getFileName().toString().matches("(telltale|keys).*")).toList()) {
        assertEquals("rw-------", perms(f), f.toString());
      }
    }
    // The default retention: the upload is gone once the job ended, its digest stays.
    assertTrue(Files.notExists(dir.resolve("scans").resolve(id).resolve("corpus.jsonl")));
    assertEquals(
        ScanApiTests.sha256(sb.toString().getBytes(StandardCharsets.UTF_8)),
        json(get("/v1/scans/" + id, inv)).get("input_sha256").asText());
  }

  private void awaitDone(String id, String inv) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      String state = json(get("/v1/scans/" + id, inv)).get("state").asText();
      if (state.equals("done")) {
        return;
      }
      assertTrue(!state.equals("failed") && System.nanoTime() < deadline, state);
      Thread.sleep(100);
    }
  }

  @Test
  void aPathOutsideTheAllowedFoldersIsRefusedAlikeWhetherItExistsOrNot() throws Exception {
    String inv = newToken(Role.INVESTIGATOR);
    Path exists = Files.writeString(dir.resolve("exists.jsonl"), "{\"text\":\"x\"}\n");
    List<String> answers = new ArrayList<>();
    for (String p :
        List.of(
            exists.toString(),
            dir.resolve("missing.jsonl").toString(),
            "/etc/passwd",
            "/etc/no-such-file",
            dir.resolve("allowed") + "/../missing.jsonl")) {
      HttpResponse<Buffer> r = post("/v1/scans", inv, MAPPER.createObjectNode().put("path", p));
      assertProblem(r, 403, "path-not-allowed");
      answers.add(r.bodyAsString());
    }
    assertEquals(1, answers.stream().distinct().count(), answers.toString());
  }

  @Test
  void aClientGoneMidBodyIsNoSevereIncident() throws Exception {
    String inv = newToken(Role.INVESTIGATOR);
    List<LogRecord> severe = new ArrayList<>();
    Handler h =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.SEVERE.intValue()) {
              synchronized (severe) {
                severe.add(r);
              }
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger root = Logger.getLogger("");
    root.addHandler(h);
    try {
      for (int i = 0; i < 30; i++) {
        try (Socket s = new Socket("127.0.0.1", service.port())) {
          OutputStream out = s.getOutputStream();
          out.write(
              ("POST /v1/detect HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                      + inv
                      + "\r\nContent-Type: application/json\r\nContent-Length: 50000\r\n\r\n"
                      + "{\"text\":\"abc")
                  .getBytes(StandardCharsets.US_ASCII));
          out.flush();
          Thread.sleep(20);
          s.setSoLinger(true, 0); // a reset, as a client that dies mid-upload
        }
      }
      Thread.sleep(500);
    } finally {
      root.removeHandler(h);
    }
    assertEquals(0, severe.size(), () -> "SEVERE records: " + severe.get(0).getMessage());
    assertEquals(200, get("/health", null).statusCode());
  }

  @Test
  void connectionsFromOneAddressAreCapped() throws Exception {
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 300; i++) {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName("127.0.3.1"), 0));
        s.connect(new InetSocketAddress("127.0.0.1", service.port()));
        held.add(s);
      }
      Thread.sleep(300);
      int closed = 0;
      for (Socket s : held) {
        s.setSoTimeout(5);
        try {
          closed += s.getInputStream().read() < 0 ? 1 : 0;
        } catch (java.net.SocketTimeoutException e) {
          // still open
        } catch (java.io.IOException e) {
          closed++;
        }
      }
      // The default cap is 256 per address: the rest are closed as soon as they are accepted.
      assertEquals(300 - 256, closed);
      assertEquals(200, get("/health", null).statusCode());
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }

  @Test
  void aTextWithAnOverlongRunIsRefusedBeforeTokenising() throws Exception {
    String inv = newToken(Role.INVESTIGATOR);
    long t0 = System.nanoTime();
    assertProblem(
        post("/v1/detect", inv, Map.of("text", "a".repeat(TEXT_LIMIT - 10))), 413, "run-too-long");
    assertProblem(post("/v1/detect", inv, Map.of("text", "!".repeat(5000))), 413, "run-too-long");
    assertTrue(System.nanoTime() - t0 < 2_000_000_000L);
    ObjectNode ok = MAPPER.createObjectNode().put("text", ("x".repeat(999) + " ").repeat(10));
    assertEquals(200, post("/v1/detect", inv, ok).statusCode());
  }

  private static String perms(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  private static String statusLine(InputStream in) throws Exception {
    StringBuilder b = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      b.append((char) c);
    }
    return b.toString().trim();
  }
}
