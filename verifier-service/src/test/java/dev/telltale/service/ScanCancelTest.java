package dev.telltale.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code DELETE /v1/scans/{id}} of a scan that is running: the worker honours the request at its
 * next batch, the job ends as cancelled with its audit row and makes no further progress, and a
 * second DELETE or a GET of its documents answer 409.
 */
class ScanCancelTest extends ServiceTestBase {
  static final int DOCUMENTS = 40_000;

  @Override
  Map<String, String> databaseSettings(Path dir) {
    return Map.of();
  }

  @Override
  Map<String, String> extraSettings() {
    return Map.of("limits.upload_bytes", Integer.toString(64 << 20));
  }

  /** A corpus large enough to take seconds to scan: the fixture texts repeated with ids. */
  static byte[] largeCorpus() throws Exception {
    List<String> texts = Fixtures.scanTexts();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < DOCUMENTS; i++) {
      String line =
          MAPPER.writeValueAsString(
              MAPPER.createObjectNode().put("id", "d" + i).put("text", texts.get(i % 24) + i));
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  @Test
  void cancellingARunningScanStopsItsWorker() throws Exception {
    String inv = newToken(Role.INVESTIGATOR);
    HttpResponse<Buffer> created = upload("", inv, "application/x-ndjson", largeCorpus());
    assertEquals(202, created.statusCode(), created::bodyAsString);
    String id = json(created).get("id").asText();

    JsonNode running = awaitState(id, inv, "running", 1);
    assertTrue(running.get("progress").get("documents").asLong() < DOCUMENTS, running::toString);
    HttpResponse<Buffer> cancel = send(HttpMethod.DELETE, "/v1/scans/" + id, inv, null);
    assertEquals(202, cancel.statusCode(), cancel::bodyAsString);
    assertTrue(json(cancel).get("cancel_requested").asBoolean());

    JsonNode cancelled = awaitState(id, inv, "cancelled", 0);
    long done = cancelled.get("progress").get("documents").asLong();
    assertTrue(done < DOCUMENTS, cancelled::toString);
    assertFalse(cancelled.has("result"), cancelled::toString);
    // The worker stopped: no progress after the job ended.
    Thread.sleep(1500);
    JsonNode later = json(get("/v1/scans/" + id, inv));
    assertEquals("cancelled", later.get("state").asText());
    assertEquals(done, later.get("progress").get("documents").asLong(), later::toString);

    assertProblem(send(HttpMethod.DELETE, "/v1/scans/" + id, inv, null), 409, "scan-ended");
    assertProblem(get("/v1/scans/" + id + "/documents", inv), 409, "scan-not-done");
    int rows = 0;
    for (JsonNode row : json(get("/v1/audit?limit=1000", newToken(Role.AUDITOR))).get("entries")) {
      if (row.get("route").asText().equals("/v1/scans")
          && row.get("token_id").asText().equals(inv.substring(3, 19))) {
        rows++;
        assertEquals("cancelled", row.get("verdict").asText());
      }
    }
    assertEquals(1, rows, "one audit row for the cancelled scan");
    // The slot is free again.
    assertEquals(0, new JobStore(service.database().dataSource()).active(inv.substring(3, 19)));
  }

  /** Polls until the job is in {@code state} with at least {@code minDocuments} done. */
  private JsonNode awaitState(String id, String bearer, String state, long minDocuments)
      throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      JsonNode j = json(get("/v1/scans/" + id, bearer));
      if (j.get("state").asText().equals(state)
          && j.get("progress").get("documents").asLong() >= minDocuments) {
        return j;
      }
      assertFalse(j.get("state").asText().equals("done"), "the scan ended before the cancel");
      assertTrue(System.nanoTime() < deadline, () -> "never " + state + ": " + j);
      Thread.sleep(50);
    }
  }
}
