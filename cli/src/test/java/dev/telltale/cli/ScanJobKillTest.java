package dev.telltale.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.forensics.corpus.DocumentSource;
import dev.telltale.forensics.scan.CorpusScan;
import dev.telltale.forensics.scan.ScanJson;
import dev.telltale.forensics.scan.ScanListener;
import dev.telltale.text.Tokenizers;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code telltale serve} process is killed with SIGKILL in the middle of a scan job and
 * started again on the same data directory: the job resumes from its checkpoint and ends with the
 * result of an uninterrupted core scan, no audit row is lost, and the scan's signed finding is
 * issued exactly once.
 */
class ScanJobKillTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path dir;

  /** A started service process and its port. */
  private record Server(Process process, int port) {}

  private Server start(Path data, Path config) throws Exception {
    String java = javaCommand();
    ProcessBuilder pb =
        new ProcessBuilder(
            java,
            "-Xmx512m",
            "-cp",
            System.getProperty("java.class.path"),
            "dev.telltale.cli.Telltale",
            "serve",
            "--port",
            "0",
            "--data",
            data.toString(),
            "--config",
            config.toString());
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.PIPE);
    Process p = pb.start();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    StringBuffer log = new StringBuffer();
    Thread reader =
        new Thread(
            () -> {
              Pattern serving = Pattern.compile("serving on http://127\\.0\\.0\\.1:(\\d+)/");
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  log.append(line).append('\n');
                  Matcher m = serving.matcher(line);
                  if (m.find()) {
                    port.complete(Integer.parseInt(m.group(1)));
                  }
                }
              } catch (Exception e) {
                port.completeExceptionally(e);
              }
              port.completeExceptionally(new IllegalStateException("the service exited: " + log));
            });
    reader.setDaemon(true);
    reader.start();
    return new Server(p, port.get(60, TimeUnit.SECONDS));
  }

  private HttpResponse<String> send(
      int port,
      String method,
      String path,
      String bearer,
      HttpRequest.BodyPublisher body,
      String type)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Authorization", "Bearer " + bearer)
            .method(method, body);
    if (type != null) {
      b.header("Content-Type", type);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode job(int port, String id, String bearer) throws Exception {
    HttpResponse<String> r =
        send(port, "GET", "/v1/scans/" + id, bearer, HttpRequest.BodyPublishers.noBody(), null);
    assertEquals(200, r.statusCode(), r.body());
    return MAPPER.readTree(r.body());
  }

  /** Random pseudo-words: no watermark, many documents, a scan that takes a few seconds. */
  private static Path corpus(Path file, int documents) throws Exception {
    SplittableRandom rnd = new SplittableRandom(20261123);
    String[] words = new String[3000];
    for (int i = 0; i < words.length; i++) {
      StringBuilder w = new StringBuilder();
      int len = 2 + rnd.nextInt(8);
      for (int j = 0; j < len; j++) {
        w.append((char) ('a' + rnd.nextInt(26)));
      }
      words[i] = w.toString();
    }
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int d = 0; d < documents; d++) {
        StringBuilder t = new StringBuilder();
        for (int k = 0; k < 150; k++) {
          t.append(k == 0 ? "" : " ").append(words[rnd.nextInt(words.length)]);
        }
        ObjectNode o = MAPPER.createObjectNode().put("id", "d" + d).put("text", t.toString());
        out.write(MAPPER.writeValueAsString(o));
        out.write('\n');
      }
    }
    return file;
  }

  @Test
  void aKilledServiceResumesTheScanToTheUninterruptedResult() throws Exception {
    Path data = dir.resolve("data");
    String inv = token(data, "investigator");
    String auditor = token(data, "auditor");
    Path config =
        Files.writeString(
            dir.resolve("service.properties"),
            "scans.checkpoint_every=1000\nscans.lease_seconds=2\nscans.threads=1\n");
    Path file = corpus(dir.resolve("corpus.jsonl"), 12_000);
    String digest =
        HexFormat.of()
            .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));

    Server first = start(data, config);
    String id;
    long checkpointAtKill;
    try {
      HttpResponse<String> detect =
          send(
              first.port(),
              "POST",
              "/v1/detect",
              inv,
              HttpRequest.BodyPublishers.ofString("{\"text\": \"An audited detection.\"}"),
              "application/json");
      assertEquals(200, detect.statusCode(), detect.body());
      HttpResponse<String> created =
          send(
              first.port(),
              "POST",
              "/v1/scans?evidence=true",
              inv,
              HttpRequest.BodyPublishers.ofFile(file),
              "application/x-ndjson");
      assertEquals(202, created.statusCode(), created.body());
      id = MAPPER.readTree(created.body()).get("id").asText();
      JsonNode j;
      long deadline = System.nanoTime() + 60_000_000_000L;
      do {
        Thread.sleep(20);
        j = job(first.port(), id, inv);
        assertTrue(System.nanoTime() < deadline, "no checkpoint: " + j);
      } while (!j.has("checkpoint"));
      assertEquals("running", j.get("state").asText(), "the scan ended before the kill: " + j);
      checkpointAtKill = j.get("checkpoint").get("documents").asLong();
      System.out.println("killed the service with the scan checkpointed at " + checkpointAtKill);
      assertTrue(checkpointAtKill > 0 && checkpointAtKill < 12_000, j::toString);
    } finally {
      first.process().destroyForcibly();
      first.process().waitFor(30, TimeUnit.SECONDS);
    }

    Server second = start(data, config);
    try {
      JsonNode j;
      long deadline = System.nanoTime() + 60_000_000_000L;
      do {
        Thread.sleep(200);
        j = job(second.port(), id, inv);
        assertTrue(System.nanoTime() < deadline, "the scan did not end: " + j);
      } while (!j.get("state").asText().equals("done")
          && !j.get("state").asText().equals("failed"));
      assertEquals("done", j.get("state").asText(), j::toString);
      assertTrue(j.get("checkpoint").get("documents").asLong() >= checkpointAtKill, j::toString);

      Path work = dir.resolve("reference");
      JsonNode expected;
      try (DocumentSource src = DocumentSource.files(List.of(file), "text")) {
        expected =
            MAPPER.readTree(
                ScanJson.of(
                        CorpusScan.of(
                                KeysCommand.load(data.resolve("keys.json")),
                                Tokenizers.byName(Tokenizers.CL100K_BASE),
                                CorpusScan.Options.defaults())
                            .run(src, work, ScanListener.NONE))
                    .toString());
      }
      assertEquals(expected, j.get("result"), "the resumed scan differs from an uninterrupted one");
      HttpResponse<String> docs =
          send(
              second.port(),
              "GET",
              "/v1/scans/" + id + "/documents",
              inv,
              HttpRequest.BodyPublishers.noBody(),
              null);
      assertEquals(200, docs.statusCode());
      assertEquals(Files.readString(work.resolve("documents.jsonl")), docs.body());

      HttpResponse<String> audit =
          send(
              second.port(),
              "GET",
              "/v1/audit?limit=1000",
              auditor,
              HttpRequest.BodyPublishers.noBody(),
              null);
      assertEquals(200, audit.statusCode(), audit.body());
      int detections = 0;
      int scans = 0;
      for (JsonNode row : MAPPER.readTree(audit.body()).get("entries")) {
        if (row.get("route").asText().equals("/v1/detect")) {
          detections++;
        }
        if (row.get("route").asText().equals("/v1/scans")
            && row.get("input_sha256").asText().equals(digest)) {
          scans++;
          assertEquals(expected.get("pooled_p_value").asDouble(), row.get("p_value").asDouble());
        }
      }
      assertEquals(1, detections, "the detection's audit row survived the kill");
      assertEquals(1, scans, "exactly one audit row for the scan");

      // The resumed job signed its result once: the log holds exactly that one finding, and it
      // verifies against the published keys and the uploaded file.
      HttpResponse<String> head =
          send(
              second.port(),
              "GET",
              "/v1/log/tree-head",
              null,
              HttpRequest.BodyPublishers.noBody(),
              null);
      assertEquals(200, head.statusCode(), head.body());
      assertEquals(1, MAPPER.readTree(head.body()).get("tree_size").asLong(), head.body());
      HttpResponse<String> finding =
          send(
              second.port(),
              "GET",
              j.get("evidence").get("location").asText(),
              inv,
              HttpRequest.BodyPublishers.noBody(),
              null);
      assertEquals(200, finding.statusCode(), finding.body());
      HttpResponse<String> keys =
          send(
              second.port(),
              "GET",
              "/.well-known/telltale-keys",
              null,
              HttpRequest.BodyPublishers.noBody(),
              null);
      dev.telltale.evidence.Envelope env =
          dev.telltale.evidence.EnvelopeReader.parse(
              MAPPER.writeValueAsBytes(MAPPER.readTree(finding.body()).get("envelope")));
      assertEquals(
          dev.telltale.evidence.EvidenceVerification.Reason.VALID,
          dev.telltale.evidence.EnvelopeVerifier.of(
                  dev.telltale.provenance.PublicKeySet.parse(
                      keys.body().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
              .verify(
                  env,
                  List.of(
                      dev.telltale.evidence.Subject.of("upload.jsonl", Files.readAllBytes(file))))
              .reason());
      assertEquals(
          expected.get("pooled_p_value").asDouble(),
          dev.telltale.evidence.EnvelopeReader.statement(env)
              .result()
              .get("pooled_p_value")
              .asDouble());
    } finally {
      second.process().destroy();
      if (!second.process().waitFor(30, TimeUnit.SECONDS)) {
        second.process().destroyForcibly();
      }
    }
  }

  /**
   * A token made by {@code telltale tokens create} in its own process: opened in this JVM, the
   * embedded database would stay locked against the service process.
   */
  private static String token(Path data, String role) throws Exception {
    Process p =
        new ProcessBuilder(
                javaCommand(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.telltale.cli.Telltale",
                "tokens",
                "create",
                "--role",
                role,
                "--data",
                data.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(ExitCode.OK, p.exitValue(), out);
    return out;
  }

  private static String javaCommand() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
