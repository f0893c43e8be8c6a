package dev.telltale.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.text.Tokenizers;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * 64 concurrent clients detect a 1,000-token watermarked text for a bounded time; every request
 * must succeed. The measured throughput and latency are printed (README, Benchmarks, has the
 * figures and the command); {@code -Dtelltale.load.seconds=N} runs longer.
 */
class LoadTest extends ServiceTestBase {
  static final int CLIENTS = 64;

  @Override
  Map<String, String> databaseSettings(Path dir) {
    return Map.of();
  }

  @Override
  Map<String, String> extraSettings() {
    // One token drives all 64 clients: its fair share of the scoring queue must hold them all.
    return Map.of(
        "rate.detect_burst",
        "1000000000",
        "rate.detect_per_minute",
        "1000000000",
        "limits.queued_per_token",
        String.valueOf(2 * CLIENTS));
  }

  @Test
  void sixtyFourClientsDetectWithoutErrors() throws Exception {
    String text = Fixtures.longWatermarkedText();
    int tokens = Tokenizers.cl100kBase().encode(text).length;
    assertTrue(tokens >= 950 && tokens <= 1100, "text has " + tokens + " tokens");
    Buffer body = Buffer.buffer(MAPPER.writeValueAsBytes(Map.of("text", text)));
    String bearer = newToken(Role.INVESTIGATOR);
    // Warm-up: JIT, connection pool, auth cache.
    Fixtures.await(LoadDriver.run(vertx, service.port(), bearer, body, CLIENTS, 2_000));
    long seconds = Long.getLong("telltale.load.seconds", 5);
    LoadDriver.Result r =
        Fixtures.await(
            LoadDriver.run(vertx, service.port(), bearer, body, CLIENTS, seconds * 1000));
    System.out.println("load: 1k-token text (" + tokens + " tokens), " + r);
    assertEquals(0, r.errors(), r::toString);
    assertTrue(r.requests() > CLIENTS, r::toString);
  }
}
