package dev.telltale.service;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A request still running after limits.timeout_ms is answered 503 with a problem body. */
class TimeoutTest extends ServiceTestBase {
  @Override
  Map<String, String> databaseSettings(Path dir) {
    return Map.of();
  }

  @Override
  Map<String, String> extraSettings() {
    // 1 ms: a detection of a long text (tokenizing alone takes several ms) cannot finish in time.
    return Map.of(
        "limits.timeout_ms", "1", "limits.body_bytes", "2000000", "limits.text_chars", "1000000");
  }

  @Test
  void aSlowRequestIs503() throws Exception {
    String text = Fixtures.HUMAN.repeat(300);
    assertProblem(
        post("/v1/detect", newToken(Role.INVESTIGATOR), Map.of("text", text)), 503, "timeout");
  }
}
