package dev.telltale.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The bytes all JSON bodies being read may hold together are capped (issue 13 item 1): while one
 * authenticated client stalls a body that takes most of {@code limits.inflight_body_bytes}, another
 * body that does not fit is refused with 503 at once, without being read; once the first is gone
 * the budget is free again.
 */
class BodyBudgetTest extends ServiceTestBase {
  @Override
  Map<String, String> databaseSettings(Path dir) {
    return Map.of();
  }

  @Override
  Map<String, String> extraSettings() {
    return Map.of("limits.inflight_body_bytes", "100000");
  }

  @Test
  void aBodyBeyondTheInFlightBudgetIs503WithoutBeingRead() throws Exception {
    String inv = newToken(Role.INVESTIGATOR);
    // A first request puts the token in the auth cache: the stalled one reserves at once.
    assertEquals(200, post("/v1/detect", inv, Map.of("text", Fixtures.HUMAN)).statusCode());
    try (Socket first = new Socket("127.0.0.1", service.port())) {
      first.getOutputStream().write(stalled(inv, 60_000));
      first.getOutputStream().flush();
      Thread.sleep(1500);
      try (Socket second = new Socket("127.0.0.1", service.port())) {
        second.setSoTimeout(10_000);
        second.getOutputStream().write(stalled(inv, 60_000));
        String status = statusLine(second.getInputStream());
        assertTrue(status.startsWith("HTTP/1.1 503"), status);
      }
    }
    Thread.sleep(500);
    assertEquals(200, post("/v1/detect", inv, Map.of("text", Fixtures.HUMAN)).statusCode());
  }

  private static byte[] stalled(String bearer, int length) {
    return ("POST /v1/detect HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
            + bearer
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + length
            + "\r\n\r\n{\"text\":\"")
        .getBytes(StandardCharsets.US_ASCII);
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
