package dev.telltale.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telltale.forensics.corpus.DocumentSource;
import dev.telltale.forensics.scan.CorpusScan;
import dev.telltale.forensics.scan.ScanJson;
import dev.telltale.forensics.scan.ScanListener;
import dev.telltale.forensics.scan.ScanResult;
import dev.telltale.text.Tokenizer;
import dev.telltale.text.TokenizerIdentity;
import dev.telltale.text.hf.HfTokenizer;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A scan job naming a configured {@code tokenizer.json} ({@code tokenizers.files}): the result
 * equals core's scan with that file and carries its name and SHA-256, as {@code telltale scan
 * --json} does; the served OpenAPI document admits the name in the scan-path request. On H2.
 */
class ScanTokenizerFileTest extends ServiceTestBase {
  private static final String NAME = TokenizerFilesServiceTest.NAME;

  private Path file() {
    return dir.resolve("tokenizers").resolve("tiny-tokenizer.json");
  }

  @Override
  Map<String, String> databaseSettings(Path dir) {
    return Map.of();
  }

  @Override
  Map<String, String> extraSettings() {
    try {
      Files.createDirectories(file().getParent());
      Files.writeString(file(), TokenizerFilesServiceTest.byteLevelTokenizer());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return Map.of("tokenizers.files", NAME + "=" + file());
  }

  @Test
  void aScanWithAConfiguredTokenizerNamesItWithItsSha256() throws Exception {
    String inv = newToken(Role.INVESTIGATOR);
    byte[] corpus = ScanApiTests.corpusJsonl();
    HttpResponse<Buffer> created =
        upload("?field=body&tokenizer=" + NAME, inv, "application/x-ndjson", corpus);
    assertEquals(202, created.statusCode(), created::bodyAsString);
    String id = json(created).get("id").asText();
    long deadline = System.nanoTime() + 60_000_000_000L;
    JsonNode done = json(get("/v1/scans/" + id, inv));
    while (done.get("state").asText().matches("queued|running")) {
      assertTrue(System.nanoTime() < deadline, done::toString);
      Thread.sleep(100);
      done = json(get("/v1/scans/" + id, inv));
    }
    assertEquals("done", done.get("state").asText(), done::toString);
    assertEquals(NAME, done.get("tokenizer").asText());

    Tokenizer tok = HfTokenizer.load(NAME, file());
    Path ref = Files.write(Files.createTempDirectory(dir, "ref").resolve("c.jsonl"), corpus);
    JsonNode expected;
    try (DocumentSource src = DocumentSource.files(List.of(ref), "body")) {
      ScanResult r =
          CorpusScan.of(Fixtures.KEYS, tok, CorpusScan.Options.defaults().withFdr(0.01))
              .run(src, ref.resolveSibling("work"), ScanListener.NONE);
      expected = MAPPER.readTree(TokenizerIdentity.putIfFile(ScanJson.of(r), tok).toString());
    }
    assertEquals(expected, done.get("result"));
    String sha =
        HexFormat.of()
            .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file())));
    assertEquals(NAME, done.get("result").get("tokenizer").asText());
    assertEquals(sha, done.get("result").get("tokenizer_sha256").asText());

    JsonNode values =
        json(get("/openapi.json", null))
            .at("/components/schemas/ScanPathRequest/properties/tokenizer/enum");
    List<String> names = new java.util.ArrayList<>();
    values.forEach(v -> names.add(v.asText()));
    assertEquals(List.of("cl100k_base", "o200k_base", NAME), names);
  }
}
