package dev.telltale.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.evidence.EnvelopeReader;
import dev.telltale.text.Tokenizers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * vLLM keys through the command line: import from vLLM's configuration, list, generate, detect text
 * and ids, windows, key sets mixing Telltale and vLLM keys, scan, radioactivity, evidence and
 * report.
 */
class VllmCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  // a key above 2^63, as vLLM allows: it must survive as an unsigned 64-bit value
  private static final String KEY = "18446744073709551557";

  @TempDir Path dir;
  Path keys;
  Path text;

  static String config(String algorithm, String extra) {
    return "{\"algorithm\":\""
        + algorithm
        + "\",\"alpha\":0.1,\"context_width\":4,\"deduplicate_contexts\":\"single_turn\","
        + "\"deduplicate_contexts_max_history\":8192,\"prf\":\"philox\","
        + "\"allow_target_only_watermarking\":false,\"sbw_scheme\":\"selfhash\","
        + "\"sbw_gamma\":0.5,\"sbw_delta\":2.0"
        + extra
        + "}";
  }

  Path write(String name, String content) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, content);
    return p;
  }

  @BeforeEach
  void importAndGenerate() throws Exception {
    keys = dir.resolve("vllm-keys.json");
    Path cfg = write("vllm.json", config("gumbel", ",\"key\":\"" + KEY + "\""));
    CliRun r =
        CliRun.run(
            "keys",
            "import-vllm",
            "--config",
            cfg.toString(),
            "--out",
            keys.toString(),
            "--id",
            "vllm-1");
    assertEquals(ExitCode.OK, r.exitCode(), r.err());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keys)));
    JsonNode entry = JSON.readTree(keys.toFile()).get("watermark_keys").get(0);
    assertEquals("vllm-gumbel", entry.get("scheme").asText());
    assertEquals(KEY, entry.get("key").asText());
    CliRun gen =
        CliRun.run("generate", "--keys", keys.toString(), "--tokens", "150", "--seed", "4");
    assertEquals(ExitCode.OK, gen.exitCode(), gen.err());
    text = write("suspect.txt", gen.out());
  }

  @Test
  void keysListShowsTheVllmProfile() {
    CliRun l = CliRun.run("keys", "list", "--keys", keys.toString());
    assertEquals(ExitCode.OK, l.exitCode(), l.err());
    assertTrue(
        l.out().contains("vllm gumbel prf=philox4x32-10-v1 context_width=4 dedup=single_turn"),
        l.out());
    assertFalse(l.out().contains(KEY), "the key must not be listed");
  }

  @Test
  void robustnessRunsTheAttackSuiteForAVllmKey() throws Exception {
    Path out = dir.resolve("robustness");
    CliRun r =
        CliRun.run(
            "robustness",
            "--keys",
            keys.toString(),
            "--lengths",
            "100",
            "--texts",
            "4",
            "--nulls",
            "4",
            "--quick",
            "--out",
            out.toString());
    assertEquals(ExitCode.OK, r.exitCode(), r.err());
    JsonNode rows = JSON.readTree(out.resolve("robustness.json").toFile()).get("rows");
    assertTrue(rows.size() > 0, "no rows");
    boolean unattackedDetected = false;
    for (JsonNode row : rows) {
      assertEquals("vllm-gumbel", row.get("scheme").asText(), row.toString());
      if (row.get("attack").asText().equals("none")
          && row.get("normal_form").asText().equals("SEARCH")) {
        // 100 vLLM Gumbel tokens carry overwhelming evidence (median log10 p about -45).
        unattackedDetected = row.get("tpr").get(2).asDouble() == 1.0;
      }
    }
    assertTrue(unattackedDetected, rows.toString());
  }

  @Test
  void lefthashSbwImportsAndIsListed() throws Exception {
    Path cfg =
        write(
            "lefthash.json",
            config("sbw", ",\"key\":7").replace("selfhash", "lefthash").replace(":4,", ":1,"));
    CliRun r =
        CliRun.run(
            "keys",
            "import-vllm",
            "--config",
            cfg.toString(),
            "--keys",
            keys.toString(),
            "--id",
            "vllm-lh");
    assertEquals(ExitCode.OK, r.exitCode(), r.err());
    CliRun l = CliRun.run("keys", "list", "--keys", keys.toString());
    assertTrue(l.out().contains("vllm sbw prf=philox4x32-10-v1 context_width=1"), l.out());
    assertTrue(l.out().contains("sbw_scheme=lefthash"), l.out());
    JsonNode entry = null;
    for (JsonNode e : JSON.readTree(keys.toFile()).get("watermark_keys")) {
      entry = e.get("id").asText().equals("vllm-lh") ? e : entry;
    }
    assertEquals("lefthash", entry.get("vllm").get("sbw_scheme").asText());
  }

  @Test
  void badConfigurationsExitTwoWithoutEchoingTheKey() throws Exception {
    String[][] cases = {
      {config("gumbel", ",\"key\":1,\"temperature\":1"), "unknown field 'temperature'"},
      {config("kgw", ",\"key\":1"), "unknown algorithm 'kgw'"},
      {config("gumbel", ",\"key\":1").replace("\"philox\"", "\"hmac_sha256\""), "prf"},
      {config("gumbel", ",\"key\":18446744073709551616"), "outside 0..18446744073709551615"},
      {config("gumbel", ",\"key\":-5"), "outside"},
      {config("gumbel", ",\"key\":\"0x10\""), "not an unsigned integer"},
      {config("gumbel", ""), "needs 'key'"},
      {config("sbw", ",\"key\":1").replace("selfhash", "righthash"), "unknown sbw_scheme"},
      {config("synthid", ",\"key\":1,\"depth\":33"), "depth must be between 1 and 32"},
      {config("synthid", ",\"key\":1,\"depth\":\"4\""), "needs an integer 'depth'"},
      {config("tournament", ",\"key\":1"), "unknown algorithm 'tournament'"},
      {"[1,2]", "must hold a JSON object"},
    };
    for (String[] c : cases) {
      Path cfg = write("bad.json", c[0]);
      CliRun r =
          CliRun.run(
              "keys",
              "import-vllm",
              "--config",
              cfg.toString(),
              "--out",
              dir.resolve("x.json").toString());
      assertEquals(ExitCode.BAD_INPUT, r.exitCode(), c[0] + " -> " + r.err());
      assertTrue(r.err().contains(c[1]), c[1] + " not in: " + r.err());
      assertFalse(r.err().contains("18446744073709551616"), r.err());
      assertFalse(Files.exists(dir.resolve("x.json")));
    }
  }

  @Test
  void textIdsAndWindowsAreDetected() throws Exception {
    CliRun det = CliRun.run("detect", "--keys", keys.toString(), "--json", text.toString());
    assertEquals(ExitCode.OK, det.exitCode(), det.err());
    JsonNode j = JSON.readTree(det.out());
    assertEquals("vllm-gumbel", j.get("scheme").asText());
    assertTrue(j.get("log10_p_value").asDouble() < -6, det.out());
    // Gumbel: Telltale's exact p-value is vLLM's own figure
    double p = j.get("p_value").asDouble();
    assertEquals(p, j.get("vllm_p_value").asDouble(), 1e-9 * p);

    int[] ids = Tokenizers.cl100kBase().encode(Files.readString(text).strip());
    String arr = Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(","));
    Path idsFile = write("ids.json", "[" + arr + "]");
    CliRun di =
        CliRun.run("detect", "--keys", keys.toString(), "--json", "--ids", idsFile.toString());
    assertEquals(ExitCode.OK, di.exitCode(), di.err());
    JsonNode ji = JSON.readTree(di.out());
    assertEquals("token_ids", ji.get("input").asText());
    assertEquals(j.get("scored_tokens").asLong(), ji.get("scored_tokens").asLong());
    Path withPrompt = write("ids2.json", "{\"prompt_ids\":[1,2,3],\"ids\":[" + arr + "]}");
    CliRun dp =
        CliRun.run("detect", "--keys", keys.toString(), "--json", "--ids", withPrompt.toString());
    assertEquals(ExitCode.OK, dp.exitCode(), dp.err());
    // vLLM contexts never reach into the prompt: the same ids give the same figures
    assertEquals(ji.get("score").asDouble(), JSON.readTree(dp.out()).get("score").asDouble());

    Path human =
        write(
            "mixed.txt",
            "The Parliament adopted the report on the common agricultural policy after a long"
                + " debate in which many members raised concerns about the budget.\n"
                + Files.readString(text));
    CliRun w =
        CliRun.run("detect", "--keys", keys.toString(), "--json", "--window", human.toString());
    assertEquals(ExitCode.OK, w.exitCode(), w.err());
    assertTrue(JSON.readTree(w.out()).has("window"), w.out());

    for (String bad : new String[] {"{\"ids\":[1,-2]}", "{\"idz\":[1]}", "\"x\"", "[1.5]"}) {
      Path b = write("bad-ids.json", bad);
      CliRun r = CliRun.run("detect", "--keys", keys.toString(), "--ids", b.toString());
      assertEquals(ExitCode.BAD_INPUT, r.exitCode(), bad + " -> " + r.err());
    }
    CliRun both =
        CliRun.run(
            "detect", "--keys", keys.toString(), "--ids", idsFile.toString(), text.toString());
    assertEquals(ExitCode.BAD_INPUT, both.exitCode());
  }

  @Test
  void synthidKeysImportListGenerateAndDetect() throws Exception {
    Path sk = dir.resolve("synthid-keys.json");
    Path cfg = write("synthid.json", config("synthid", ",\"depth\":5,\"key\":\"" + KEY + "\""));
    CliRun imp =
        CliRun.run(
            "keys",
            "import-vllm",
            "--config",
            cfg.toString(),
            "--out",
            sk.toString(),
            "--id",
            "vllm-synthid");
    assertEquals(ExitCode.OK, imp.exitCode(), imp.err());
    JsonNode entry = JSON.readTree(sk.toFile()).get("watermark_keys").get(0);
    assertEquals("vllm-synthid", entry.get("scheme").asText());
    assertEquals(5, entry.get("vllm").get("depth").asInt());
    CliRun l = CliRun.run("keys", "list", "--keys", sk.toString());
    assertTrue(l.out().contains("vllm synthid prf=philox4x32-10-v1 context_width=4"), l.out());
    assertTrue(l.out().contains(" depth=5"), l.out());
    assertFalse(l.out().contains(KEY), "the key must not be listed");

    CliRun gen = CliRun.run("generate", "--keys", sk.toString(), "--tokens", "200", "--seed", "5");
    assertEquals(ExitCode.OK, gen.exitCode(), gen.err());
    Path t = write("synthid.txt", gen.out());
    CliRun det = CliRun.run("detect", "--keys", sk.toString(), "--json", t.toString());
    assertEquals(ExitCode.OK, det.exitCode(), det.err() + det.out());
    JsonNode j = JSON.readTree(det.out());
    assertEquals("vllm-synthid", j.get("scheme").asText());
    assertTrue(j.get("log10_p_value").asDouble() < -3, det.out());
    // SynthID: both p-values are the binomial tail of the same count over n * depth bits
    double p = j.get("p_value").asDouble();
    assertEquals(p, j.get("vllm_p_value").asDouble(), 1e-6 * p);
    CliRun other = CliRun.run("detect", "--keys", keys.toString(), "--json", t.toString());
    assertEquals(ExitCode.NOT_DETECTED, other.exitCode(), other.out());
  }

  @Test
  void aKeySetMixingTelltaleAndVllmKeysReportsTheVllmKeyWithHolm() throws Exception {
    Path mixed = dir.resolve("mixed-keys.json");
    assertEquals(
        ExitCode.OK,
        CliRun.run("keys", "create", "--out", mixed.toString(), "--id", "tt-1").exitCode());
    Path sbw = write("sbw.json", config("sbw", ",\"key\":7"));
    CliRun imp =
        CliRun.run(
            "keys",
            "import-vllm",
            "--config",
            sbw.toString(),
            "--keys",
            mixed.toString(),
            "--id",
            "vllm-sbw",
            "--primary");
    assertEquals(ExitCode.OK, imp.exitCode(), imp.err());
    CliRun gen =
        CliRun.run("generate", "--keys", mixed.toString(), "--tokens", "300", "--seed", "9");
    assertEquals(ExitCode.OK, gen.exitCode(), gen.err());
    Path t = write("sbw.txt", gen.out());
    CliRun det = CliRun.run("detect", "--keys", mixed.toString(), "--json", t.toString());
    assertEquals(ExitCode.OK, det.exitCode(), det.err() + det.out());
    JsonNode j = JSON.readTree(det.out());
    assertEquals("vllm-sbw", j.get("key_id").asText());
    assertEquals(2, j.get("keys_tested").asInt());
    assertTrue(j.has("green_tokens") && j.has("vllm_p_value"), det.out());
    assertTrue(j.get("family_wise_p_value").asDouble() >= j.get("p_value").asDouble());
    CliRun l = CliRun.run("keys", "list", "--keys", mixed.toString());
    assertTrue(l.out().contains("* vllm-sbw") && l.out().contains("tt-1"), l.out());
  }

  @Test
  void evidenceRecordsTheVllmProfileAndReruns() throws Exception {
    Path ev = dir.resolve("ev.json");
    CliRun d =
        CliRun.run(
            "detect", "--keys", keys.toString(), "--evidence", ev.toString(), text.toString());
    assertEquals(ExitCode.OK, d.exitCode(), d.err());
    byte[] payload = EnvelopeReader.parse(Files.readAllBytes(ev)).payload();
    JsonNode key = JSON.readTree(payload).get("predicate").get("key");
    assertEquals("vllm-gumbel", key.get("scheme").asText());
    JsonNode profile = key.get("parameters").get("vllm");
    assertEquals("philox4x32-10-v1", profile.get("prf_version").asText());
    assertEquals("single_turn", profile.get("deduplicate_contexts").asText());
    assertEquals(
        "context (vLLM gumbel)",
        JSON.readTree(payload).get("predicate").get("dedup").get("unit").asText());
    assertFalse(new String(payload, StandardCharsets.UTF_8).contains(KEY));
    Path pub = write("pub.json", CliRun.run("keys", "public", "--keys", keys.toString()).out());
    CliRun v =
        CliRun.run(
            "evidence",
            "verify",
            ev.toString(),
            "--public",
            pub.toString(),
            "--rerun",
            "--keys",
            keys.toString(),
            "--json");
    assertEquals(ExitCode.OK, v.exitCode(), v.out() + v.err());
    Path html = dir.resolve("report.html");
    CliRun rep = CliRun.run("report", ev.toString(), "--out", html.toString());
    assertEquals(ExitCode.OK, rep.exitCode(), rep.err());
    assertTrue(Files.readString(html).contains("vllm-gumbel"));
  }

  @Test
  void scanAndRadioactivityWorkWithVllmKeys() throws Exception {
    Path corpus = Files.createDirectories(dir.resolve("corpus"));
    Files.copy(text, corpus.resolve("a.txt"));
    Files.writeString(
        corpus.resolve("b.txt"), "The committee met on Tuesday to discuss the budget.\n");
    CliRun s =
        CliRun.run(
            "scan", "--keys", keys.toString(), "--threads", "1", "--json", corpus.toString());
    assertEquals(ExitCode.OK, s.exitCode(), s.err() + s.out());
    Path answers = dir.resolve("answers.jsonl");
    ObjectMapper m = new ObjectMapper();
    Files.writeString(
        answers,
        m.createObjectNode()
                .put("prompt", "The Commission")
                .put("answer", Files.readString(text))
                .toString()
            + "\n");
    CliRun ra =
        CliRun.run("radioactivity", "--keys", keys.toString(), "--json", answers.toString());
    assertEquals(ExitCode.OK, ra.exitCode(), ra.err() + ra.out());
  }

  /**
   * A scan and a radioactivity test with a key set mixing a Telltale key, a vLLM SBW key and a vLLM
   * Gumbel key: the statement records, per key tested, what that key's test counted once, and
   * re-running it reproduces the finding.
   */
  @Test
  void scanAndRadioactivityEvidenceRecordEveryKeysUnitAndRerun() throws Exception {
    Path mixed = dir.resolve("mixed-keys.json");
    assertEquals(
        ExitCode.OK,
        CliRun.run("keys", "create", "--out", mixed.toString(), "--id", "tt-1").exitCode());
    for (String[] k :
        new String[][] {
          {"gumbel", "vllm-gumbel", ",\"key\":\"" + KEY + "\""},
          {"sbw", "vllm-sbw", ",\"key\":7"}
        }) {
      Path cfg = write(k[0] + ".json", config(k[0], k[2]));
      CliRun imp =
          CliRun.run(
              "keys",
              "import-vllm",
              "--config",
              cfg.toString(),
              "--keys",
              mixed.toString(),
              "--id",
              k[1],
              "--primary");
      assertEquals(ExitCode.OK, imp.exitCode(), imp.err());
    }
    CliRun gen =
        CliRun.run("generate", "--keys", mixed.toString(), "--tokens", "300", "--seed", "9");
    assertEquals(ExitCode.OK, gen.exitCode(), gen.err());
    Path corpus = Files.createDirectories(dir.resolve("corpus"));
    Files.writeString(corpus.resolve("a.txt"), gen.out());
    Files.writeString(
        corpus.resolve("b.txt"), "The committee met on Tuesday to discuss the budget.\n");
    Path pub = write("pub.json", CliRun.run("keys", "public", "--keys", mixed.toString()).out());

    Path scanEv = dir.resolve("scan.ev.json");
    CliRun s =
        CliRun.run(
            "scan",
            "--keys",
            mixed.toString(),
            "--threads",
            "1",
            "--evidence",
            scanEv.toString(),
            corpus.toString());
    assertEquals(ExitCode.OK, s.exitCode(), s.err() + s.out());
    JsonNode dedup = dedup(scanEv);
    assertEquals("corpus", dedup.get("scope").asText());
    assertEquals("effective seed and token (vLLM sbw)", dedup.get("unit").asText());
    assertEquals(
        java.util.List.of(
            "tt-1=context window and token",
            "vllm-gumbel=context within a document, context and token across documents"
                + " (vLLM gumbel)",
            "vllm-sbw=effective seed and token (vLLM sbw)"),
        units(dedup),
        dedup::toString);
    assertReruns(scanEv, pub, mixed);

    Path answers = dir.resolve("answers.jsonl");
    Files.writeString(
        answers,
        JSON.createObjectNode().put("prompt", "The Commission").put("answer", gen.out()).toString()
            + "\n");
    Path raEv = dir.resolve("ra.ev.json");
    CliRun ra =
        CliRun.run(
            "radioactivity",
            "--keys",
            mixed.toString(),
            "--evidence",
            raEv.toString(),
            answers.toString());
    assertEquals(ExitCode.OK, ra.exitCode(), ra.err() + ra.out());
    dedup = dedup(raEv);
    assertEquals("run", dedup.get("scope").asText());
    assertEquals("own", dedup.get("prompt_filter").asText());
    assertEquals("effective seed and token (vLLM sbw)", dedup.get("unit").asText());
    assertEquals(
        java.util.List.of(
            "tt-1=context window and token",
            "vllm-gumbel=context and token (vLLM gumbel)",
            "vllm-sbw=effective seed and token (vLLM sbw)"),
        units(dedup),
        dedup::toString);
    assertReruns(raEv, pub, mixed);
  }

  private static JsonNode dedup(Path envelope) throws Exception {
    byte[] payload = EnvelopeReader.parse(Files.readAllBytes(envelope)).payload();
    return JSON.readTree(payload).get("predicate").get("dedup");
  }

  /** {@code key_id=unit} of every key tested, in the order of {@code keys_tested}. */
  private static java.util.List<String> units(JsonNode dedup) {
    java.util.List<String> units = new java.util.ArrayList<>();
    dedup
        .get("units")
        .forEach(u -> units.add(u.get("key_id").asText() + "=" + u.get("unit").asText()));
    return units;
  }

  private static void assertReruns(Path envelope, Path pub, Path keys) {
    CliRun v =
        CliRun.run(
            "evidence",
            "verify",
            envelope.toString(),
            "--public",
            pub.toString(),
            "--rerun",
            "--keys",
            keys.toString(),
            "--json");
    assertEquals(ExitCode.OK, v.exitCode(), v.out() + v.err());
  }
}
