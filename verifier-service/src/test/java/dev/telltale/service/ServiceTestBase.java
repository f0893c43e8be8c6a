package dev.telltale.service;

import static dev.telltale.service.Fixtures.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.key.KeySet;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Starts the real service on port 0 over a real database (chosen by the subclass) and talks to it
 * over HTTP. Every response body is kept and checked at the end for stack traces and secrets.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ServiceTestBase {
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final long BODY_LIMIT = 64 * 1024;
  static final int TEXT_LIMIT = 20_000;
  static final int BURST = 8;
  static final long UPLOAD_LIMIT = 512 * 1024;

  Vertx vertx;
  VerifierService service;
  WebClient client;
  Path dir;
  String admin;
  final List<String> bodies = Collections.synchronizedList(new ArrayList<>());

  /** Database settings of this run (db, db.user, db.schema ...), given a fresh temp directory. */
  abstract Map<String, String> databaseSettings(Path dir) throws Exception;

  /** Drops whatever the run created in a shared database. */
  void dropDatabase() throws Exception {}

  Map<String, String> extraSettings() {
    return Map.of();
  }

  /** The key set the service is started with. */
  KeySet keySet() {
    return Fixtures.KEYS;
  }

  @BeforeAll
  void startService(Vertx vertx) throws Exception {
    this.vertx = vertx;
    dir = Files.createTempDirectory("telltale-svc");
    Map<String, String> s = new HashMap<>(databaseSettings(dir));
    s.put("port", "0");
    s.put("data", dir.toString());
    s.put("keys", Fixtures.writeKeys(dir, keySet()).toString());
    s.put("limits.body_bytes", Long.toString(BODY_LIMIT));
    s.put("limits.text_chars", Integer.toString(TEXT_LIMIT));
    s.put("rate.detect_burst", Integer.toString(BURST));
    s.put("rate.detect_per_minute", "6");
    Files.createDirectories(dir.resolve("allowed"));
    s.put("limits.upload_bytes", Long.toString(UPLOAD_LIMIT));
    s.put("scans.allowed_paths", dir.resolve("allowed").toString());
    s.put("scans.checkpoint_every", "8");
    s.put("scans.lease_seconds", "5");
    s.put("scans.threads", "1");
    // The suites read /metrics without a token; MetricsTokenTest covers the default.
    s.put("metrics.public", "true");
    s.putAll(extraSettings());
    ServiceConfig config = ServiceConfig.defaultsOnly().with(s);
    service = await(VerifierService.start(vertx, config));
    client = WebClient.create(vertx);
    admin = newToken(Role.ADMIN);
  }

  @AfterAll
  void stopService() throws Exception {
    try {
      for (String body : bodies) {
        for (String bad : List.of("\tat ", "Exception", "java.", "SQL")) {
          assertFalse(body.contains(bad), () -> "response leaks '" + bad + "': " + body);
        }
        for (String secret : Fixtures.secretForms()) {
          assertFalse(body.contains(secret), "a response contains key material");
        }
      }
    } finally {
      if (client != null) {
        client.close();
      }
      if (service != null) {
        await(service.close());
      }
      dropDatabase();
    }
  }

  /** A fresh token of {@code role}, stored directly (as {@code telltale tokens create} does). */
  String newToken(Role role) {
    return new TokenStore(service.database().dataSource()).create(role, "test").bearer();
  }

  HttpResponse<Buffer> send(HttpMethod method, String path, String bearer, Buffer body)
      throws Exception {
    HttpRequest<Buffer> req = client.request(method, service.port(), "127.0.0.1", path);
    if (bearer != null) {
      req.putHeader("Authorization", "Bearer " + bearer);
    }
    HttpResponse<Buffer> resp;
    if (body != null) {
      req.putHeader("Content-Type", "application/json");
      resp = await(req.sendBuffer(body));
    } else {
      resp = await(req.send());
    }
    bodies.add(resp.bodyAsString() == null ? "" : resp.bodyAsString());
    return resp;
  }

  /** A {@code POST /v1/scans} with a raw body of {@code contentType}. */
  HttpResponse<Buffer> upload(String query, String bearer, String contentType, byte[] body)
      throws Exception {
    HttpRequest<Buffer> req =
        client.request(HttpMethod.POST, service.port(), "127.0.0.1", "/v1/scans" + query);
    if (bearer != null) {
      req.putHeader("Authorization", "Bearer " + bearer);
    }
    req.putHeader("Content-Type", contentType);
    HttpResponse<Buffer> r = await(req.sendBuffer(Buffer.buffer(body)));
    bodies.add(r.bodyAsString() == null ? "" : r.bodyAsString());
    return r;
  }

  HttpResponse<Buffer> get(String path, String bearer) throws Exception {
    return send(HttpMethod.GET, path, bearer, null);
  }

  HttpResponse<Buffer> post(String path, String bearer, Object json) throws Exception {
    return send(HttpMethod.POST, path, bearer, Buffer.buffer(MAPPER.writeValueAsBytes(json)));
  }

  HttpResponse<Buffer> postRaw(String path, String bearer, byte[] body) throws Exception {
    return send(HttpMethod.POST, path, bearer, Buffer.buffer(body));
  }

  static JsonNode json(HttpResponse<Buffer> r) throws Exception {
    return MAPPER.readTree(r.bodyAsString());
  }

  /**
   * Asserts that an investigator-only POST route answers 401 without a token or with a bad one, and
   * 403 to auditors and admins.
   */
  void assertInvestigatorOnly(String path, Object request) throws Exception {
    assertProblem(post(path, null, request), 401, "unauthorized");
    assertProblem(post(path, "not-a-token", request), 401, "unauthorized");
    assertProblem(post(path, newToken(Role.AUDITOR), request), 403, "forbidden");
    assertProblem(post(path, admin, request), 403, "forbidden");
  }

  /** Asserts an RFC 9457 problem with this status and type. */
  static void assertProblem(HttpResponse<Buffer> r, int status, String type) throws Exception {
    assertEquals(status, r.statusCode(), r::bodyAsString);
    assertEquals("application/problem+json", r.getHeader("Content-Type"));
    JsonNode p = json(r);
    assertEquals(status, p.path("status").asInt());
    assertTrue(p.path("type").asText().endsWith("/" + type), () -> "type of " + p);
    assertFalse(p.path("title").asText().isEmpty());
    assertFalse(p.path("detail").asText().isEmpty());
  }
}
