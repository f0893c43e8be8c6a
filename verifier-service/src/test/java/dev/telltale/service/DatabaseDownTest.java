package dev.telltale.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With the database gone, readiness says so (503) and a detection fails closed (no audit row, no
 * answer) with a 500 that carries only an incident id.
 */
class DatabaseDownTest extends ServiceTestBase {
  @Override
  Map<String, String> databaseSettings(Path dir) {
    return Map.of();
  }

  @Override
  Map<String, String> extraSettings() {
    return Map.of("auth.cache_seconds", "0");
  }

  @Test
  void healthIs503AndDetectionIs500WithoutDetails() throws Exception {
    String bearer = newToken(Role.INVESTIGATOR);
    assertEquals(200, get("/health", null).statusCode());
    service.database().close();

    HttpResponse<Buffer> health = get("/health", null);
    assertEquals(503, health.statusCode());
    assertEquals("down", json(health).get("checks").get("database").asText());

    HttpResponse<Buffer> r = post("/v1/detect", bearer, Map.of("text", Fixtures.HUMAN));
    assertProblem(r, 500, "internal");
    assertTrue(
        json(r)
            .get("detail")
            .asText()
            .matches("an internal error occurred; incident [0-9a-f-]{36}"),
        r.bodyAsString());
  }
}
