package dev.telltale.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 item 15: with PostgreSQL the detection rate limit holds across instances. Two services
 * on one database (as behind a load balancer) give a token one bucket of {@code rate.detect_burst},
 * not one per instance.
 */
class SharedRateLimitTest extends ServiceTestBase {
  private final String schema = "telltale_rate_" + UUID.randomUUID().toString().replace("-", "");

  @Override
  Map<String, String> databaseSettings(Path dir) {
    return Map.of(
        "db", PostgresServiceTest.URL, "db.user", PostgresServiceTest.user(), "db.schema", schema);
  }

  @Override
  void dropDatabase() throws Exception {
    try (Connection c =
            DriverManager.getConnection(PostgresServiceTest.URL, PostgresServiceTest.user(), "");
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  @Test
  void twoInstancesShareOneBucketPerToken() throws Exception {
    Map<String, String> s = new HashMap<>();
    s.putAll(databaseSettings(dir));
    s.put("port", "0");
    s.put("data", dir.resolve("second").toString());
    s.put("keys", Fixtures.writeKeys(dir.resolve("second-keys"), keySet()).toString());
    s.put("rate.detect_burst", Integer.toString(BURST));
    s.put("rate.detect_per_minute", "6");
    s.put("limits.text_chars", Integer.toString(TEXT_LIMIT));
    s.put("limits.body_bytes", Long.toString(BODY_LIMIT));
    VerifierService other =
        Fixtures.await(VerifierService.start(vertx, ServiceConfig.defaultsOnly().with(s)));
    try {
      String inv = newToken(Role.INVESTIGATOR);
      int ok = 0;
      int limited = 0;
      // Alternate between the instances: 2 × BURST requests, well within a refill step (10 s).
      for (int i = 0; i < 2 * BURST; i++) {
        int port = i % 2 == 0 ? service.port() : other.port();
        HttpRequest<Buffer> req = client.request(HttpMethod.POST, port, "127.0.0.1", "/v1/detect");
        req.putHeader("Authorization", "Bearer " + inv);
        req.putHeader("Content-Type", "application/json");
        HttpResponse<Buffer> r =
            Fixtures.await(
                req.sendBuffer(
                    Buffer.buffer(MAPPER.writeValueAsBytes(Map.of("text", Fixtures.HUMAN)))));
        bodies.add(r.bodyAsString());
        if (r.statusCode() == 200) {
          ok++;
        } else {
          assertProblem(r, 429, "rate-limited");
          limited++;
        }
      }
      assertEquals(BURST, ok, "detections allowed across both instances");
      assertEquals(BURST, limited);
    } finally {
      Fixtures.await(other.close());
    }
  }
}
