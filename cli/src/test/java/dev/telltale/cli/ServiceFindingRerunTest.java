package dev.telltale.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.evidence.EnvelopeReader;
import dev.telltale.evidence.EvidenceStatement;
import dev.telltale.evidence.Subject;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every finding the verifier service issues (detection, scan, radioactivity, attribution; with and
 * without {@code key_id}) re-runs with exactly the command a report prints: {@code telltale
 * evidence verify ENVELOPE --public KEYS --subject INPUT… --rerun --keys KEYS.json}, run as a
 * separate process from a folder holding the inputs named after the statement's subjects, exits 0
 * with VALID. The inputs are written from the requests, as a re-verifier holding them would.
 */
class ServiceFindingRerunTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static Path data;
  static Path keys;
  static Path pub;
  static String bearer;
  static int port;
  static Thread server;
  static String marked;
  static String other;

  @BeforeAll
  static void serve() throws Exception {
    data = dir.resolve("data");
    Files.createDirectories(data);
    keys = data.resolve("keys.json");
    ok(
        CliRun.run(
            "keys", "create", "--out", keys.toString(), "--id", "acct", "--payload-bits", "24"));
    ok(
        CliRun.run(
            "keys", "rotate", "--keys", keys.toString(), "--id", "k2", "--payload-bits", "24"));
    pub = dir.resolve("keys.public.json");
    Files.writeString(pub, ok(CliRun.run("keys", "public", "--keys", keys.toString())).out());
    marked =
        ok(CliRun.run(
                "generate",
                "--keys",
                keys.toString(),
                "--tokens",
                "400",
                "--seed",
                "3",
                "--account",
                "1193046"))
            .out();
    other =
        ok(CliRun.run(
                "generate",
                "--keys",
                keys.toString(),
                "--tokens",
                "300",
                "--seed",
                "5",
                "--account",
                "11259375"))
            .out();
    bearer =
        ok(CliRun.run("tokens", "create", "--role", "investigator", "--data", data.toString()))
            .out()
            .strip();
    StringWriter out = new StringWriter();
    CommandLine cl = Telltale.newCommandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(new StringWriter(), true));
    server = new Thread(() -> cl.execute("serve", "--port", "0", "--data", data.toString()));
    server.start();
    Matcher m = null;
    for (int i = 0; i < 600 && (m == null || !m.find(0)); i++) {
      Thread.sleep(100);
      m = Pattern.compile("serving on http://127\\.0\\.0\\.1:(\\d+)/").matcher(out.toString());
    }
    assertTrue(m != null && m.find(0), "no 'serving on' line: " + out);
    port = Integer.parseInt(m.group(1));
  }

  @AfterAll
  static void stop() throws Exception {
    server.interrupt();
    // serve closes the service and Vert.x with up to 30 s each; the temporary folder is deleted
    // after this, so the server must be gone (its database files closed) before returning.
    server.join(120_000);
    assertFalse(server.isAlive(), "telltale serve did not stop within 120 s");
  }

  private static CliRun ok(CliRun r) {
    assertEquals(ExitCode.OK, r.exitCode(), r.err());
    return r;
  }

  private static JsonNode send(String path, String type, byte[] body, int expect) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Authorization", "Bearer " + bearer);
    if (body != null) {
      b.header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }
    HttpResponse<String> r =
        HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(expect, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  private static JsonNode post(String path, Object body) throws Exception {
    return send(path, "application/json", JSON.writeValueAsBytes(body), 200);
  }

  /** A finding to re-verify: its envelope and its inputs by subject name. */
  private record Finding(String name, JsonNode envelope, Map<String, byte[]> inputs) {}

  private final List<Finding> findings = new ArrayList<>();

  private void rerunsAsRecorded(String name, JsonNode envelope, Map<String, byte[]> inputs) {
    findings.add(new Finding(name, envelope, inputs));
  }

  /**
   * Re-verifies every finding, in as few folders as the inputs allow: two findings whose inputs
   * share a name but not the bytes (token ids with and without a prompt, both {@code
   * token-ids.json}) go to different folders.
   */
  private void runAll() throws Exception {
    List<List<Finding>> groups = new ArrayList<>();
    List<Map<String, byte[]>> written = new ArrayList<>();
    for (Finding f : findings) {
      int g = 0;
      while (g < groups.size() && !fits(f, written.get(g))) {
        g++;
      }
      if (g == groups.size()) {
        groups.add(new ArrayList<>());
        written.add(new java.util.HashMap<>());
      }
      groups.get(g).add(f);
      written.get(g).putAll(f.inputs());
    }
    for (int g = 0; g < groups.size(); g++) {
      runIn(dir.resolve("rerun-" + g), groups.get(g));
    }
  }

  private static boolean fits(Finding f, Map<String, byte[]> written) {
    return f.inputs().entrySet().stream()
        .allMatch(
            e ->
                !written.containsKey(e.getKey())
                    || java.util.Arrays.equals(written.get(e.getKey()), e.getValue()));
  }

  /**
   * Writes the envelopes and the inputs (by subject name; {@code -} as a file of its own) into one
   * fresh folder and runs each printed re-verify command there, in a new process.
   */
  private void runIn(Path into, List<Finding> batch) throws Exception {
    Path folder = Files.createDirectories(into);
    List<String> lines = new ArrayList<>();
    List<EvidenceStatement> statements = new ArrayList<>();
    for (Finding f : batch) {
      Path env = folder.resolve(f.name() + ".dsse.json");
      Files.writeString(env, f.envelope().toString());
      EvidenceStatement st =
          EnvelopeReader.statement(EnvelopeReader.parse(Files.readAllBytes(env)));
      statements.add(st);
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  "evidence",
                  "verify",
                  folder.relativize(env).toString(),
                  "--public",
                  pub.toString(),
                  "--json"));
      for (Subject s : st.subjects()) {
        byte[] bytes = f.inputs().get(s.name());
        assertTrue(bytes != null, f.name() + ": no input for subject " + s.name());
        Path file = folder.resolve(s.name().equals("-") ? "stdin.txt" : s.name());
        Files.write(file, bytes);
        cmd.addAll(List.of("--subject", folder.relativize(file).toString()));
      }
      cmd.addAll(List.of("--rerun", "--keys", keys.toString()));
      lines.add(JSON.writeValueAsString(cmd));
    }
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
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the re-verify process did not end");
    assertEquals(0, p.exitValue(), err);
    List<String> results = out.lines().toList();
    assertEquals(batch.size(), results.size(), out + err);
    for (int i = 0; i < batch.size(); i++) {
      JsonNode r = JSON.readTree(results.get(i));
      String what = batch.get(i).name() + ": " + String.join(" ", statements.get(i).command());
      assertEquals(ExitCode.OK, r.get("exit").asInt(), what + "\n" + r);
      JsonNode v = JSON.readTree(r.get("out").asText());
      assertEquals("VALID", v.get("status").asText(), what + "\n" + v);
      assertTrue(v.get("detail").asText().contains("same result"), v.toString());
    }
  }

  @Test
  void everyKindOfServiceFindingRerunsAsPrinted() throws Exception {
    detectionFindings();
    attributionFindings();
    radioactivityFindings();
    scanFindings();
    assertEquals(10, findings.size());
    runAll();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private void detectionFindings() throws Exception {
    JsonNode all = post("/v1/detect?evidence=true", Map.of("text", marked, "window", true));
    rerunsAsRecorded("detect", all.get("evidence").get("envelope"), Map.of("text", utf8(marked)));
    JsonNode one =
        post(
            "/v1/detect?evidence=true",
            Map.of("text", marked, "key_id", "acct", "alpha", 1e-4, "explain", true));
    rerunsAsRecorded(
        "detect-key-id", one.get("evidence").get("envelope"), Map.of("text", utf8(marked)));
    // Token ids as a serving engine logged them: re-run from the compact JSON array.
    int[] ids =
        dev.telltale.text.Tokenizers.cl100kBase()
            .encode(dev.telltale.text.DetectionNormalizer.normalize(marked));
    List<Integer> idList = java.util.Arrays.stream(ids).boxed().toList();
    JsonNode byIds = post("/v1/detect?evidence=true", Map.of("token_ids", idList));
    assertEquals("watermarked", byIds.get("verdict").asText(), byIds.toString());
    rerunsAsRecorded(
        "detect-token-ids",
        byIds.get("evidence").get("envelope"),
        Map.of("token-ids.json", utf8(JSON.writeValueAsString(idList))));
    // With the prompt's ids: the file is {"prompt_ids":[...],"ids":[...]}, as detect --ids reads.
    List<Integer> promptList = idList.subList(0, 30);
    List<Integer> generated = idList.subList(30, idList.size());
    JsonNode withPrompt =
        post(
            "/v1/detect?evidence=true",
            Map.of("token_ids", generated, "prompt_ids", promptList, "key_id", "acct"));
    assertEquals(30, withPrompt.get("prompt_tokens").asInt(), withPrompt.toString());
    rerunsAsRecorded(
        "detect-prompt-and-token-ids",
        withPrompt.get("evidence").get("envelope"),
        Map.of(
            "token-ids.json",
            utf8(
                "{\"prompt_ids\":"
                    + JSON.writeValueAsString(promptList)
                    + ",\"ids\":"
                    + JSON.writeValueAsString(generated)
                    + "}")));
  }

  private void attributionFindings() throws Exception {
    JsonNode single = post("/v1/attribution?evidence=true", Map.of("text", marked));
    rerunsAsRecorded(
        "attribute-text", single.get("evidence").get("envelope"), Map.of("-", utf8(marked)));
    ArrayNode docs = JSON.createArrayNode();
    docs.addObject().put("id", "doc-b").put("text", other);
    docs.addObject().put("id", "-doc-a").put("text", marked);
    ObjectNode req = JSON.createObjectNode();
    req.set("documents", docs);
    req.put("key_id", "k2");
    req.put("top", 3);
    JsonNode two = post("/v1/attribution?evidence=true", req);
    rerunsAsRecorded(
        "attribute-documents",
        two.get("evidence").get("envelope"),
        Map.of("doc-b", utf8(other), "-doc-a", utf8(marked)));
  }

  private void radioactivityFindings() throws Exception {
    List<Map<String, String>> answers = new ArrayList<>();
    String[] parts = marked.split("(?<=\\.) ");
    for (int i = 0; i < parts.length; i++) {
      answers.add(Map.of("prompt", "Go on, part " + i + ".", "answer", parts[i]));
    }
    StringBuilder jsonl = new StringBuilder();
    for (Map<String, String> a : answers) {
      jsonl.append(dev.telltale.evidence.CanonicalJson.string(JSON.valueToTree(a))).append('\n');
    }
    JsonNode all = post("/v1/radioactivity?evidence=true", Map.of("answers", answers));
    rerunsAsRecorded(
        "radioactivity",
        all.get("evidence").get("envelope"),
        Map.of("answers.jsonl", utf8(jsonl.toString())));
    JsonNode one =
        post(
            "/v1/radioactivity?evidence=true",
            Map.of("answers", answers, "key_id", "acct", "prompt_filter", "all"));
    rerunsAsRecorded(
        "radioactivity-key-id",
        one.get("evidence").get("envelope"),
        Map.of("answers.jsonl", utf8(jsonl.toString())));
  }

  private void scanFindings() throws Exception {
    StringBuilder corpus = new StringBuilder();
    corpus.append(JSON.writeValueAsString(Map.of("text", marked))).append('\n');
    corpus.append(JSON.writeValueAsString(Map.of("text", other, "id", "named"))).append('\n');
    corpus.append("{not json\n");
    byte[] upload = utf8(corpus.toString());
    for (String query : new String[] {"?evidence=true", "?evidence=true&key_id=acct"}) {
      JsonNode created = send("/v1/scans" + query, "application/x-ndjson", upload, 202);
      String id = created.get("id").asText();
      JsonNode job = null;
      for (int i = 0; i < 600; i++) {
        job = send("/v1/scans/" + id, null, null, 200);
        if (job.has("evidence") || job.get("state").asText().matches("failed|cancelled")) {
          break;
        }
        Thread.sleep(100);
      }
      assertTrue(job.has("evidence"), job.toString());
      JsonNode ev = send(job.get("evidence").get("location").asText(), null, null, 200);
      rerunsAsRecorded("scan" + query.length(), ev.get("envelope"), Map.of("upload.jsonl", upload));
    }
  }
}
