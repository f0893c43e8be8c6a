package dev.telltale.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The API contract over PostgreSQL at 127.0.0.1:5432 (database {@code test}, trust auth), in a
 * schema of its own so that concurrent runs never collide; the schema is dropped afterwards.
 */
class PostgresServiceTest extends VerifierApiTests {
  static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";
  private final String schema = "telltale_test_" + UUID.randomUUID().toString().replace("-", "");

  /** postgres, or root where the cluster was set up for the machine's user. */
  static String user() {
    for (String u : new String[] {"postgres", "root"}) {
      try (Connection c = DriverManager.getConnection(URL, u, "")) {
        return u;
      } catch (java.sql.SQLException e) {
        // try the next user
      }
    }
    throw new IllegalStateException(
        "PostgreSQL is not reachable at " + URL + " as postgres or root");
  }

  @Override
  Map<String, String> databaseSettings(Path dir) {
    return Map.of("db", URL, "db.user", user(), "db.schema", schema);
  }

  /**
   * A second instance on the same database (as behind a load balancer): it starts on the migrated
   * schema, accepts tokens the first one issued, sees its audit rows, and cannot take a job the
   * first one holds.
   */
  @Test
  void twoInstancesShareTokensAuditAndJobLeases() throws Exception {
    ServiceConfig second =
        ServiceConfig.defaultsOnly()
            .with(
                Map.of(
                    "port",
                    "0",
                    "data",
                    dir.resolve("second").toString(),
                    "keys",
                    dir.resolve("keys.json").toString(),
                    "db",
                    URL,
                    "db.user",
                    user(),
                    "db.schema",
                    schema));
    VerifierService other = Fixtures.await(VerifierService.start(vertx, second));
    try {
      HttpResponse<Buffer> created =
          post("/v1/admin/tokens", admin, Map.of("role", "investigator", "label", "shared"));
      String bearer = json(created).get("token").asText();
      HttpResponse<Buffer> r =
          Fixtures.await(
              client
                  .post(other.port(), "127.0.0.1", "/v1/detect")
                  .putHeader("Authorization", "Bearer " + bearer)
                  .sendJson(new io.vertx.core.json.JsonObject().put("text", "shared text")));
      bodies.add(r.bodyAsString());
      assertEquals(200, r.statusCode(), r::bodyAsString);
      String digest = DetectionEngine.sha256Hex("shared text".getBytes(StandardCharsets.UTF_8));
      assertTrue(
          get("/v1/audit?limit=1000", newToken(Role.AUDITOR)).bodyAsString().contains(digest));

      JobStore a = new JobStore(service.database().dataSource());
      JobStore b = new JobStore(other.database().dataSource());
      String job = a.create("lease-test", "0123456789abcdef", "upload:x", "{}");
      assertTrue(a.claim(job, "instance-a", Duration.ofMinutes(1)));
      assertFalse(b.claim(job, "instance-b", Duration.ofMinutes(1)));
    } finally {
      Fixtures.await(other.close());
    }
  }

  @Override
  void dropDatabase() throws Exception {
    try (Connection c = DriverManager.getConnection(URL, user(), "");
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }
}
