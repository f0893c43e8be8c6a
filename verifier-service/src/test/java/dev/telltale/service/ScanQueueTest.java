package dev.telltale.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An instance that runs no scans ({@code scans.runners = 0}) keeps jobs queued: the per-token job
 * limit answers 429, and a queued job is cancelled at once.
 */
class ScanQueueTest extends ServiceTestBase {
  @Override
  Map<String, String> databaseSettings(Path dir) {
    return Map.of();
  }

  @Override
  Map<String, String> extraSettings() {
    return Map.of("scans.runners", "0", "scans.concurrent_per_token", "2");
  }

  @Test
  void theJobLimitIsPerTokenAndCancellingAQueuedJobFreesASlot() throws Exception {
    String inv = newToken(Role.INVESTIGATOR);
    byte[] text = Fixtures.HUMAN.getBytes();
    HttpResponse<Buffer> a = upload("", inv, "text/plain", text);
    HttpResponse<Buffer> b = upload("", inv, "text/plain", text);
    assertEquals(202, a.statusCode(), a::bodyAsString);
    assertEquals(202, b.statusCode(), b::bodyAsString);
    assertProblem(upload("", inv, "text/plain", text), 429, "too-many-jobs");
    // Another token has its own limit.
    assertEquals(202, upload("", newToken(Role.INVESTIGATOR), "text/plain", text).statusCode());

    String id = json(a).get("id").asText();
    assertEquals("queued", json(get("/v1/scans/" + id, inv)).get("state").asText());
    assertProblem(get("/v1/scans/" + id + "/documents", inv), 409, "scan-not-done");
    HttpResponse<Buffer> cancelled = send(HttpMethod.DELETE, "/v1/scans/" + id, inv, null);
    assertEquals(202, cancelled.statusCode(), cancelled::bodyAsString);
    assertEquals("cancelled", json(get("/v1/scans/" + id, inv)).get("state").asText());
    assertProblem(send(HttpMethod.DELETE, "/v1/scans/" + id, inv, null), 409, "scan-ended");
    assertEquals(202, upload("", inv, "text/plain", text).statusCode());
  }

  /**
   * A running job whose worker died is cancelled through the API; the instance that takes it over
   * when the lease expires ends it as cancelled, with its audit row, instead of scanning on.
   */
  @Test
  void aCancelRequestedWhileTheWorkerIsGoneEndsTheJobOnTakeover() throws Exception {
    String inv = newToken(Role.INVESTIGATOR);
    HttpResponse<Buffer> a = upload("", inv, "text/plain", Fixtures.HUMAN.getBytes());
    assertEquals(202, a.statusCode(), a::bodyAsString);
    String id = json(a).get("id").asText();
    JobStore store = new JobStore(service.database().dataSource());
    assertTrue(store.claim(id, "dead-worker", java.time.Duration.ofMillis(500)));
    HttpResponse<Buffer> cancel = send(HttpMethod.DELETE, "/v1/scans/" + id, inv, null);
    assertEquals(202, cancel.statusCode(), cancel::bodyAsString);
    assertEquals("running", json(cancel).get("state").asText());
    assertTrue(json(get("/v1/scans/" + id, inv)).get("cancel_requested").asBoolean());

    ServiceConfig cfg =
        ServiceConfig.defaultsOnly()
            .with(Map.of("data", dir.toString(), "scans.runners", "1", "scans.lease_seconds", "2"));
    try (ScanJobs runner = new ScanJobs(cfg, store, Fixtures.KEYS)) {
      runner.start();
      long deadline = System.nanoTime() + 30_000_000_000L;
      String state;
      do {
        Thread.sleep(100);
        state = json(get("/v1/scans/" + id, inv)).get("state").asText();
        assertTrue(System.nanoTime() < deadline, state);
      } while (!state.equals("cancelled"));
    }
    boolean audited = false;
    for (com.fasterxml.jackson.databind.JsonNode row :
        json(get("/v1/audit?limit=1000", newToken(Role.AUDITOR))).get("entries")) {
      audited |=
          row.get("route").asText().equals("/v1/scans")
              && row.get("verdict").asText().equals("cancelled")
              && row.get("token_id").asText().equals(inv.substring(3, 19));
    }
    assertTrue(audited, "the cancelled scan has its audit row");
  }

  /**
   * Concurrent {@code POST /v1/scans} of one token can all pass the early check before any job
   * exists; the atomic create still admits exactly the limit (2) and answers the rest 429.
   */
  @Test
  void concurrentCreatesOfOneTokenGetExactlyTheLimit() throws Exception {
    String inv = newToken(Role.INVESTIGATOR);
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      sent.add(
          client
              .post(service.port(), "127.0.0.1", "/v1/scans")
              .putHeader("Authorization", "Bearer " + inv)
              .putHeader("Content-Type", "text/plain")
              .sendBuffer(Buffer.buffer(Fixtures.HUMAN)));
    }
    int accepted = 0;
    for (Future<HttpResponse<Buffer>> f : sent) {
      HttpResponse<Buffer> r = Fixtures.await(f);
      bodies.add(r.bodyAsString());
      if (r.statusCode() == 202) {
        accepted++;
      } else {
        assertProblem(r, 429, "too-many-jobs");
      }
    }
    assertEquals(2, accepted);
    assertEquals(2, new JobStore(service.database().dataSource()).active(inv.substring(3, 19)));
  }
}
