package dev.telltale.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.evidence.EnvelopeReader;
import dev.telltale.evidence.EvidenceStatement;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A detection the service ran with a configured {@code tokenizer.json} ({@code tokenizers.files})
 * re-runs with {@code telltale evidence verify --rerun} from a folder holding the text and the
 * tokenizer file under its configured name, as a separate process, exactly as the CLI's own
 * findings do; the answer equals {@code telltale detect --tokenizer FILE --json}.
 */
class ServiceTokenizerRerunTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static JsonNode post(String base, String bearer, String path, Object body)
      throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(base + path + "?evidence=true"))
                    .header("Authorization", "Bearer " + bearer)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  private static List<String> verify(String envelope, String pub, String keys, String... subjects) {
    List<String> cmd = new ArrayList<>(List.of("evidence", "verify", envelope, "--public", pub));
    for (String s : subjects) {
      cmd.addAll(List.of("--subject", s));
    }
    cmd.addAll(List.of("--rerun", "--keys", keys, "--json"));
    return cmd;
  }

  private static CliRun ok(CliRun r) {
    assertEquals(ExitCode.OK, r.exitCode(), r.err());
    return r;
  }

  @Test
  void aServiceFindingWithAConfiguredTokenizerFileRerunsFromTheFolderOfTheFinding()
      throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Path keys = data.resolve("keys.json");
    ok(CliRun.run("keys", "create", "--out", keys.toString(), "--id", "k", "--payload-bits", "24"));
    Path pub = dir.resolve("keys.public.json");
    Files.writeString(pub, ok(CliRun.run("keys", "public", "--keys", keys.toString())).out());
    Path tokenizer = dir.resolve("served").resolve("tokenizer.json");
    Files.createDirectories(tokenizer.getParent());
    Files.writeString(tokenizer, TokenizerCliTest.byteLevelTokenizer());
    Path config = dir.resolve("service.properties");
    Files.writeString(
        config, "tokenizers.files=tiny.json=" + tokenizer.toString().replace("\\", "\\\\") + "\n");
    String bearer =
        ok(CliRun.run("tokens", "create", "--role", "investigator", "--data", data.toString()))
            .out()
            .strip();
    String text = "the theme of the thesis is the other thing, then the end <|eot|>";

    StringWriter out = new StringWriter();
    CommandLine cl = Telltale.newCommandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(new StringWriter(), true));
    Thread server =
        new Thread(
            () ->
                cl.execute(
                    "serve",
                    "--port",
                    "0",
                    "--data",
                    data.toString(),
                    "--config",
                    config.toString()));
    server.start();
    try {
      Matcher m = null;
      for (int i = 0; i < 600 && (m == null || !m.find(0)); i++) {
        Thread.sleep(100);
        m = Pattern.compile("serving on http://127\\.0\\.0\\.1:(\\d+)/").matcher(out.toString());
      }
      assertTrue(m != null && m.find(0), "no 'serving on' line: " + out);
      String base = "http://127.0.0.1:" + m.group(1);
      JsonNode answer =
          post(base, bearer, "/v1/detect", Map.of("text", text, "tokenizer", "tiny.json"));
      JsonNode envelope = answer.get("evidence").get("envelope");
      EvidenceStatement st =
          EnvelopeReader.statement(EnvelopeReader.parse(JSON.writeValueAsBytes(envelope)));
      assertEquals("tiny.json", st.result().get("tokenizer").asText());

      // The re-verifier's folder: the finding, the text, the tokenizer file under its name.
      Path folder = Files.createDirectories(dir.resolve("rerun"));
      Files.writeString(folder.resolve("finding.dsse.json"), envelope.toString());
      Files.writeString(folder.resolve("text"), text);
      Files.copy(tokenizer, folder.resolve("tiny.json"));
      // What the CLI prints for the same text and file.
      CliRun cliDetect =
          CliRun.run(
              "detect",
              "--keys",
              keys.toString(),
              "--tokenizer",
              folder.resolve("tiny.json").toString(),
              "--json",
              folder.resolve("text").toString());
      JsonNode cliJson = JSON.readTree(cliDetect.out());
      assertEquals(cliJson.get("tokenizer_sha256"), answer.get("tokenizer_sha256"));
      assertEquals(cliJson.get("p_value"), answer.get("p_value"));
      assertEquals(cliJson.get("tokens"), answer.get("tokens"));
      assertEquals(cliJson.get("scored_tokens"), answer.get("scored_tokens"));

      // Attribution (a lone text: subject "-") and radioactivity (subject answers.jsonl).
      JsonNode attribution =
          post(base, bearer, "/v1/attribution", Map.of("text", text, "tokenizer", "tiny.json"));
      assertEquals(cliJson.get("tokenizer_sha256"), attribution.get("tokenizer_sha256"));
      Files.writeString(
          folder.resolve("attribution.dsse.json"),
          attribution.get("evidence").get("envelope").toString());
      Map<String, String> exchange = Map.of("prompt", "Go on.", "answer", text);
      JsonNode radioactivity =
          post(
              base,
              bearer,
              "/v1/radioactivity",
              Map.of("answers", List.of(exchange), "tokenizer", "tiny.json"));
      assertEquals(cliJson.get("tokenizer_sha256"), radioactivity.get("tokenizer_sha256"));
      Files.writeString(
          folder.resolve("radioactivity.dsse.json"),
          radioactivity.get("evidence").get("envelope").toString());
      Files.writeString(
          folder.resolve("answers.jsonl"),
          dev.telltale.evidence.CanonicalJson.string(JSON.valueToTree(exchange)) + "\n");
      List<String> lines =
          List.of(
              JSON.writeValueAsString(
                  verify("finding.dsse.json", pub.toString(), keys.toString(), "text")),
              JSON.writeValueAsString(
                  verify("attribution.dsse.json", pub.toString(), keys.toString(), "text")),
              JSON.writeValueAsString(
                  verify(
                      "radioactivity.dsse.json",
                      pub.toString(),
                      keys.toString(),
                      "answers.jsonl")));
      Path commands = Files.write(dir.resolve("commands.jsonl"), lines);
      Process p =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-XX:TieredStopAtLevel=1",
                  "-cp",
                  System.getProperty("java.class.path"),
                  "dev.telltale.cli.RerunDriver",
                  commands.toString())
              .directory(folder.toFile())
              .redirectError(ProcessBuilder.Redirect.PIPE)
              .start();
      String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the re-verify process did not end");
      assertEquals(0, p.exitValue(), err);
      List<String> results = printed.lines().toList();
      assertEquals(3, results.size(), printed + err);
      for (String line : results) {
        JsonNode res = JSON.readTree(line);
        assertEquals(ExitCode.OK, res.get("exit").asInt(), res.toString());
        JsonNode v = JSON.readTree(res.get("out").asText());
        assertEquals("VALID", v.get("status").asText(), v.toString());
      }
    } finally {
      server.interrupt();
      server.join(120_000);
    }
  }
}
