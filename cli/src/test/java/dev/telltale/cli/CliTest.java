package dev.telltale.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
  @TempDir Path dir;
  Path keys;

  @BeforeEach
  void createKeys() {
    keys = dir.resolve("keys.json");
    CliRun r = CliRun.run("keys", "create", "--out", keys.toString(), "--id", "k1");
    assertEquals(ExitCode.OK, r.exitCode(), r.err());
  }

  private Path write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  @Test
  void generatedTextIsDetectedAndPlainTextIsNot() throws Exception {
    CliRun gen =
        CliRun.run("generate", "--keys", keys.toString(), "--tokens", "150", "--seed", "3");
    assertEquals(ExitCode.OK, gen.exitCode(), gen.err());
    Path marked = write("marked.txt", gen.out());
    CliRun det = CliRun.run("detect", "--keys", keys.toString(), "--json", marked.toString());
    assertEquals(ExitCode.OK, det.exitCode(), det.err());
    JsonNode j = new ObjectMapper().readTree(det.out());
    for (String f :
        new String[] {
          "key_id",
          "scheme",
          "tokens",
          "scored_tokens",
          "green_tokens",
          "z_score",
          "p_value",
          "log10_p_value",
          "verdict"
        }) {
      assertTrue(j.has(f), "missing " + f);
    }
    assertEquals("k1", j.get("key_id").asText());
    assertEquals("watermarked", j.get("verdict").asText());
    assertTrue(j.get("log10_p_value").asDouble() < -6);

    CliRun plain = CliRun.run("generate", "--plain", "--tokens", "150", "--seed", "3");
    Path p = write("plain.txt", plain.out());
    CliRun detPlain = CliRun.run("detect", "--keys", keys.toString(), "--json", p.toString());
    assertEquals(ExitCode.NOT_DETECTED, detPlain.exitCode(), detPlain.err());
    assertEquals(
        "not_watermarked", new ObjectMapper().readTree(detPlain.out()).get("verdict").asText());
  }

  @Test
  void windowAndAlphaOptionsAreReported() throws Exception {
    CliRun gen = CliRun.run("generate", "--keys", keys.toString(), "--tokens", "120");
    String human =
        "The honourable Members will recall the debate on the budget last spring, when the"
            + " Council and this House reached an agreement on the agricultural guidelines. ";
    Path mixed = write("mixed.txt", human.repeat(3) + gen.out() + human);
    CliRun det =
        CliRun.run(
            "detect",
            "--keys",
            keys.toString(),
            "--json",
            "--window",
            "--alpha",
            "1e-4",
            mixed.toString());
    JsonNode j = new ObjectMapper().readTree(det.out());
    assertTrue(j.has("window"));
    assertTrue(j.get("window").get("windows_tested").asLong() >= 1);
    assertEquals(1e-4, j.get("alpha").asDouble());
  }

  @Test
  void badInputsExitWithTwoAndOneClearLine() throws Exception {
    assertBad(
        CliRun.run("detect", "--keys", keys.toString(), dir.resolve("none.txt").toString()),
        "does not exist");
    Path bad = dir.resolve("bad.txt");
    Files.write(bad, new byte[] {'a', 'b', (byte) 0xC3, (byte) 0x28, 'c'});
    assertBad(CliRun.run("detect", "--keys", keys.toString(), bad.toString()), "not valid UTF-8");
    assertBad(
        CliRun.run("detect", "--keys", keys.toString(), write("empty.txt", " \n").toString()),
        "empty");
    Path junk = write("junk.json", "{not json");
    Files.setPosixFilePermissions(junk, PosixFilePermissions.fromString("rw-------"));
    assertBad(
        CliRun.run("detect", "--keys", junk.toString(), write("t.txt", "hello").toString()),
        "not valid JSON");
    Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-r--r--"));
    assertBad(
        CliRun.run("detect", "--keys", keys.toString(), write("u.txt", "hello").toString()),
        "chmod 600");
    assertBad(
        CliRun.run("keys", "create", "--out", dir.resolve("x.json").toString(), "--gamma", "1.5"),
        "gamma");
    assertBad(CliRun.run("detect", "--keys"), "");
    assertBad(CliRun.run("generate", "--tokens", "5"), "--keys is required");
  }

  private static void assertBad(CliRun r, String fragment) {
    assertEquals(ExitCode.BAD_INPUT, r.exitCode(), r.out() + r.err());
    assertTrue(r.err().contains(fragment), r.err());
    assertFalse(r.err().contains("\tat "), "stack trace without --verbose: " + r.err());
  }

  @Test
  void aPlainShareChangesGumbelOutputsAndDetectionStillFindsThem() throws Exception {
    assertBad(
        CliRun.run("generate", "--keys", keys.toString(), "--plain-share", "0.25"),
        "--plain-share: a plain share applies to gumbel keys");
    assertBad(CliRun.run("generate", "--plain", "--plain-share", "0.25"), "drop --plain");
    CliRun rot =
        CliRun.run("keys", "rotate", "--keys", keys.toString(), "--id", "g1", "--scheme", "gumbel");
    assertEquals(ExitCode.OK, rot.exitCode(), rot.err());
    assertBad(CliRun.run("generate", "--keys", keys.toString(), "--plain-share", "1"), "in [0, 1)");
    CliRun keyed = CliRun.run("generate", "--keys", keys.toString(), "--tokens", "200");
    CliRun mixed =
        CliRun.run(
            "generate", "--keys", keys.toString(), "--tokens", "200", "--plain-share", "0.25");
    assertEquals(ExitCode.OK, mixed.exitCode(), mixed.err());
    assertFalse(keyed.out().equals(mixed.out()), "the plain share changed no token");
    CliRun det =
        CliRun.run(
            "detect", "--keys", keys.toString(), "--json", write("m.txt", mixed.out()).toString());
    assertEquals(ExitCode.OK, det.exitCode(), det.out() + det.err());
    assertEquals("g1", new ObjectMapper().readTree(det.out()).get("key_id").asText());
  }

  @Test
  void keysRotateKeepsOldKeysForDetection() throws Exception {
    CliRun gen = CliRun.run("generate", "--keys", keys.toString(), "--tokens", "150");
    Path old = write("old.txt", gen.out());
    CliRun rot =
        CliRun.run("keys", "rotate", "--keys", keys.toString(), "--id", "k2", "--scheme", "gumbel");
    assertEquals(ExitCode.OK, rot.exitCode(), rot.err());
    CliRun list = CliRun.run("keys", "list", "--keys", keys.toString());
    assertTrue(list.out().contains("* k2"), list.out());
    assertFalse(list.out().contains("secret"));
    CliRun det = CliRun.run("detect", "--keys", keys.toString(), "--json", old.toString());
    JsonNode j = new ObjectMapper().readTree(det.out());
    assertEquals("k1", j.get("key_id").asText());
    assertEquals(2, j.get("keys_tested").asInt());
    assertEquals(ExitCode.OK, det.exitCode());
  }

  @Test
  void demoRunsAndWritesItsFiles() throws Exception {
    Path out = dir.resolve("demo");
    CliRun r = CliRun.run("demo", "--out", out.toString(), "--quick", "--json");
    assertEquals(ExitCode.OK, r.exitCode(), r.err());
    for (String f :
        new String[] {"keys.json", "corpus.jsonl", "served.jsonl", "answers-rho-10.jsonl"}) {
      assertTrue(Files.exists(out.resolve(f)), f);
    }
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertEquals(4, j.get("students").size());
    for (JsonNode s : j.get("students")) {
      for (String f : new String[] {"rho", "scored_tuples", "green_share", "p_value"}) {
        assertTrue(s.has(f), f);
      }
    }
    JsonNode scan = j.get("scan");
    assertTrue(scan.get("documents").asLong() > scan.get("published_harvested").asLong());
    assertTrue(scan.has("pooled_p_value") && scan.has("suspect_documents"));
    JsonNode at = j.get("attribution");
    for (String f :
        new String[] {
          "documents_tested",
          "documents_attributed",
          "accounts_named",
          "true_accounts_named",
          "wrong_attributions"
        }) {
      assertTrue(at.has(f), f);
    }
    assertEquals(0, at.get("wrong_attributions").asInt());
    assertEquals(at.get("accounts_named").size(), at.get("true_accounts_named").asInt());
    // The scanned corpus and the answers written by the demo are valid inputs of the commands.
    CliRun s =
        CliRun.run(
            "scan",
            "--keys",
            out.resolve("keys.json").toString(),
            out.resolve("corpus.jsonl").toString());
    assertTrue(s.exitCode() == ExitCode.OK || s.exitCode() == ExitCode.NOT_DETECTED, s.err());
    CliRun ra =
        CliRun.run(
            "radioactivity",
            "--keys",
            out.resolve("keys.json").toString(),
            out.resolve("answers-rho-100.jsonl").toString());
    assertTrue(ra.exitCode() == ExitCode.OK || ra.exitCode() == ExitCode.NOT_DETECTED, ra.err());
  }
}
