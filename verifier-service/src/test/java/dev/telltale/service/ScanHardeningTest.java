package dev.telltale.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Scan jobs against poison inputs and abandoned uploads (issue 13, items 3, 5, 9 and 12): a JSONL
 * line over {@code scans.line_bytes} fails the job with its line number, a first line with a UTF-8
 * BOM is read, a job whose worker died {@code scans.max_attempts} times is failed with its reason,
 * uploads in flight count against the token's job limit before a byte is read, and upload folders
 * without a job are removed at start-up.
 */
class ScanHardeningTest extends ServiceTestBase {
  private Path orphan;

  @Override
  Map<String, String> databaseSettings(Path dir) throws Exception {
    // Left by an upload that died with the previous process: no job row, untouched for a while.
    orphan = dir.resolve("scans").resolve(UUID.randomUUID().toString());
    Files.createDirectories(orphan);
    Path f = Files.writeString(orphan.resolve("corpus.jsonl"), "{\"text\":\"half an upl");
    FileTime old = FileTime.from(Instant.now().minusSeconds(3600));
    Files.setLastModifiedTime(f, old);
    Files.setLastModifiedTime(orphan, old);
    return Map.of();
  }

  @Override
  Map<String, String> extraSettings() {
    return Map.of("scans.line_bytes", "4096");
  }

  @Test
  void anOrphanUploadFolderIsRemovedAtStartUp() throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (Files.exists(orphan) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertTrue(Files.notExists(orphan), "orphan upload folder still there");
  }

  @Test
  void aLineOverTheLimitFailsTheJobNamingTheLine() throws Exception {
    String inv = newToken(Role.INVESTIGATOR);
    String corpus =
        "{\"text\":\"" + Fixtures.HUMAN + "\"}\n{\"text\":\"" + "a ".repeat(5000) + "\"}\n";
    HttpResponse<Buffer> r =
        upload("", inv, "application/x-ndjson", corpus.getBytes(StandardCharsets.UTF_8));
    assertEquals(202, r.statusCode(), r::bodyAsString);
    JsonNode end = awaitEnd(json(r).get("id").asText(), inv);
    assertEquals("failed", end.get("state").asText(), end::toString);
    assertTrue(
        end.get("error").asText().contains("line 2 is longer than the limit of 4096 bytes"),
        end::toString);
  }

  @Test
  void aByteOrderMarkBeforeTheFirstLineIsAccepted() throws Exception {
    String inv = newToken(Role.INVESTIGATOR);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    for (String t : Fixtures.scanTexts()) {
      b.write(
          (MAPPER.writeValueAsString(Map.of("text", t)) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    HttpResponse<Buffer> r = upload("", inv, "application/x-ndjson", b.toByteArray());
    assertEquals(202, r.statusCode(), r::bodyAsString);
    JsonNode end = awaitEnd(json(r).get("id").asText(), inv);
    assertEquals("done", end.get("state").asText(), end::toString);
    assertEquals(Fixtures.scanTexts().size(), end.get("result").get("documents").asInt());
    assertEquals(0, end.get("result").path("malformed_lines").asInt(0), end::toString);
  }

  @Test
  void aJobWhoseWorkerDiedTooOftenIsFailedWithItsReason() throws Exception {
    String id = UUID.randomUUID().toString();
    JobStore jobs = new JobStore(service.database().dataSource());
    String owner = newToken(Role.INVESTIGATOR);
    String ownerId = owner.substring(3, 19);
    jobs.create(
        id,
        ScanJobs.KIND,
        ownerId,
        "/nonexistent/corpus.jsonl",
        "00",
        "{\"field\":\"text\",\"fdr\":0.01}");
    // Three claims whose worker vanished (an out-of-memory exit each time), the lease long gone.
    try (Connection c = service.database().dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE jobs SET state = 'running', attempts = 3, lease_owner = 'gone',"
                    + " lease_expires_at = ? WHERE id = ?")) {
      ps.setObject(1, OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(5));
      ps.setString(2, id);
      assertEquals(1, ps.executeUpdate());
    }
    JsonNode end = awaitEnd(id, owner);
    assertEquals("failed", end.get("state").asText(), end::toString);
    assertTrue(end.get("error").asText().contains("scans.max_attempts"), end::toString);
    assertEquals(3, jobs.find(id).orElseThrow().attempts(), "no fourth claim");
  }

  @Test
  void uploadsInFlightCountAgainstTheJobLimitBeforeTheyAreRead() throws Exception {
    String inv = newToken(Role.INVESTIGATOR);
    List<Socket> stalled = new ArrayList<>();
    try {
      // scans.concurrent_per_token is 2: two uploads stall mid-body, the third is refused at once.
      for (int i = 0; i < 3; i++) {
        Socket s = new Socket("127.0.0.1", service.port());
        stalled.add(s);
        s.getOutputStream()
            .write(
                ("POST /v1/scans HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                        + inv
                        + "\r\nContent-Type: application/x-ndjson\r\nContent-Length: 100000\r\n\r\n"
                        + "{\"text\":\"first")
                    .getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        Thread.sleep(300);
      }
      Socket third = stalled.get(2);
      third.setSoTimeout(3000);
      String status = statusLine(third.getInputStream());
      assertTrue(status.startsWith("HTTP/1.1 429"), status);
    } finally {
      for (Socket s : stalled) {
        s.close();
      }
    }
    // The stalled uploads' folders go with their connections.
    Thread.sleep(1000);
    try (var dirs = Files.list(dir.resolve("scans"))) {
      for (Path d : dirs.toList()) {
        assertTrue(
            new JobStore(service.database().dataSource())
                .state(d.getFileName().toString())
                .isPresent(),
            "an upload folder without a job: " + d);
      }
    }
  }

  JsonNode awaitEnd(String id, String bearer) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      HttpResponse<Buffer> r = get("/v1/scans/" + id, bearer);
      assertEquals(200, r.statusCode(), r::bodyAsString);
      JsonNode j = json(r);
      String state = j.get("state").asText();
      if (!state.equals("queued") && !state.equals("running")) {
        return j;
      }
      assertTrue(System.nanoTime() < deadline, "the scan did not end: " + j);
      Thread.sleep(100);
    }
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
