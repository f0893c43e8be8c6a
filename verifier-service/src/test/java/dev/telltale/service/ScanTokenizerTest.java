package dev.telltale.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telltale.forensics.corpus.DocumentSource;
import dev.telltale.forensics.scan.CorpusScan;
import dev.telltale.forensics.scan.ScanJson;
import dev.telltale.forensics.scan.ScanListener;
import dev.telltale.forensics.scan.ScanResult;
import dev.telltale.text.Tokenizers;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Scan jobs take a tokenizer (issue 14): {@code ?tokenizer=} or {@code "tokenizer"} names a
 * built-in or configured tokenizer, never a path; the job scans with it, names it, and its signed
 * finding's command carries {@code --tokenizer NAME}. On H2.
 */
class ScanTokenizerTest extends ServiceTestBase {
  @Override
  Map<String, String> databaseSettings(Path dir) {
    return Map.of();
  }

  private static JsonNode core(Path file, String tokenizer, Path work) throws Exception {
    try (DocumentSource src = DocumentSource.files(List.of(file), "body")) {
      ScanResult r =
          CorpusScan.of(
                  Fixtures.KEYS,
                  Tokenizers.byName(tokenizer),
                  CorpusScan.Options.defaults().withFdr(0.01))
              .run(src, work, ScanListener.NONE);
      return MAPPER.readTree(ScanJson.of(r).toString());
    }
  }

  private JsonNode awaitEnd(String id, String bearer) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      JsonNode j = json(get("/v1/scans/" + id, bearer));
      String state = j.get("state").asText();
      if (!state.equals("queued") && !state.equals("running")) {
        return j;
      }
      assertTrue(System.nanoTime() < deadline, "the scan did not end: " + j);
      Thread.sleep(100);
    }
  }

  @Test
  void anO200kScanEqualsCoresO200kScanAndNamesItsTokenizer() throws Exception {
    String inv = newToken(Role.INVESTIGATOR);
    byte[] corpus = ScanApiTests.corpusJsonl();
    HttpResponse<Buffer> created =
        upload(
            "?field=body&tokenizer=o200k_base&evidence=true", inv, "application/x-ndjson", corpus);
    assertEquals(202, created.statusCode(), created::bodyAsString);
    JsonNode done = awaitEnd(json(created).get("id").asText(), inv);
    assertEquals("done", done.get("state").asText(), done::toString);
    assertEquals("o200k_base", done.get("tokenizer").asText(), done::toString);

    Path file = Files.write(Files.createTempDirectory(dir, "tok").resolve("c.jsonl"), corpus);
    JsonNode o200k = core(file, Tokenizers.O200K_BASE, file.resolveSibling("o200k"));
    JsonNode cl100k = core(file, Tokenizers.CL100K_BASE, file.resolveSibling("cl100k"));
    assertEquals(o200k, done.get("result"), "service and core o200k scans differ");
    assertNotEquals(cl100k, o200k, "the tokenizer changes the scan");
    // Per-document p-values, line for line.
    String docs = get(done.get("documents").asText(), inv).bodyAsString();
    assertEquals(Files.readString(file.resolveSibling("o200k").resolve("documents.jsonl")), docs);
    assertNotEquals(
        Files.readString(file.resolveSibling("cl100k").resolve("documents.jsonl")), docs);

    JsonNode ev = json(get(done.get("evidence").get("location").asText(), inv));
    List<String> command =
        dev.telltale.evidence.EnvelopeReader.statement(
                dev.telltale.evidence.EnvelopeReader.parse(
                    MAPPER.writeValueAsBytes(ev.get("envelope"))))
            .command();
    int at = command.indexOf("--tokenizer");
    assertTrue(at > 0, command::toString);
    assertEquals("o200k_base", command.get(at + 1), command::toString);
  }

  @Test
  void aServerSidePathScanTakesTheTokenizerAndDefaultsToCl100k() throws Exception {
    String inv = newToken(Role.INVESTIGATOR);
    Path file =
        Files.write(dir.resolve("allowed").resolve("tok.jsonl"), ScanApiTests.corpusJsonl());
    HttpResponse<Buffer> o200k =
        post(
            "/v1/scans",
            inv,
            MAPPER
                .createObjectNode()
                .put("path", file.toString())
                .put("field", "body")
                .put("tokenizer", "o200k_base"));
    assertEquals(202, o200k.statusCode(), o200k::bodyAsString);
    JsonNode done = awaitEnd(json(o200k).get("id").asText(), inv);
    assertEquals("o200k_base", done.get("tokenizer").asText(), done::toString);
    assertEquals(
        core(file, Tokenizers.O200K_BASE, Files.createTempDirectory(dir, "w")), done.get("result"));

    HttpResponse<Buffer> plain =
        post(
            "/v1/scans",
            inv,
            MAPPER.createObjectNode().put("path", file.toString()).put("field", "body"));
    assertEquals(202, plain.statusCode(), plain::bodyAsString);
    JsonNode plainDone = awaitEnd(json(plain).get("id").asText(), inv);
    assertEquals("cl100k_base", plainDone.get("tokenizer").asText(), plainDone::toString);
  }

  @Test
  void aJobQueuedBeforeTheOptionScansWithCl100k() throws Exception {
    String owner = newToken(Role.INVESTIGATOR);
    Path file =
        Files.write(dir.resolve("allowed").resolve("old.jsonl"), ScanApiTests.corpusJsonl());
    String id = java.util.UUID.randomUUID().toString();
    // The parameters a job row held before scans took a tokenizer.
    new JobStore(service.database().dataSource())
        .create(
            id,
            ScanJobs.KIND,
            owner.substring(3, 19),
            file.toString(),
            "00",
            "{\"field\":\"body\",\"fdr\":0.01}");
    JsonNode done = awaitEnd(id, owner);
    assertEquals("done", done.get("state").asText(), done::toString);
    assertEquals("cl100k_base", done.get("tokenizer").asText(), done::toString);
    assertEquals(
        core(file, Tokenizers.CL100K_BASE, Files.createTempDirectory(dir, "old")),
        done.get("result"));
  }

  private Set<String> uploadFolders() throws Exception {
    Path scans = dir.resolve("scans");
    if (!Files.isDirectory(scans)) {
      return Set.of();
    }
    try (Stream<Path> s = Files.list(scans)) {
      return s.map(Path::toString).collect(Collectors.toSet());
    }
  }

  @Test
  void anUnknownTokenizerOrAPathIsRefusedBeforeTheUploadIsStored() throws Exception {
    String inv = newToken(Role.INVESTIGATOR);
    byte[] corpus = ScanApiTests.corpusJsonl();
    Set<String> before = uploadFolders();
    for (String bad : List.of("nope", "/etc/passwd", "../tokenizer.json", "cl100k_base.json")) {
      HttpResponse<Buffer> r =
          upload(
              "?field=body&tokenizer=" + java.net.URLEncoder.encode(bad, "UTF-8"),
              inv,
              "application/x-ndjson",
              corpus);
      assertProblem(r, 400, "unknown-tokenizer");
      assertTrue(!r.bodyAsString().contains("passwd"), r::bodyAsString);
    }
    assertProblem(
        post(
            "/v1/scans",
            inv,
            MAPPER
                .createObjectNode()
                .put("path", dir.resolve("allowed").resolve("x.jsonl").toString())
                .put("tokenizer", "/etc/passwd")),
        400,
        "schema-violation");
    assertEquals(before, uploadFolders(), "a refused upload left a folder");
  }
}
