package dev.telltale.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Settings whose p-values are not valid give no verdict and no evidence, and a scan's work folder
 * is never reused for another corpus or other options.
 */
class ExploratoryAndWorkFolderCliTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  Path keys;

  @BeforeEach
  void createKeys() {
    keys = dir.resolve("keys.json");
    CliRun r = CliRun.run("keys", "create", "--out", keys.toString(), "--id", "k1");
    assertEquals(ExitCode.OK, r.exitCode(), r.err());
  }

  String generated(int seed) {
    CliRun gen =
        CliRun.run("generate", "--keys", keys.toString(), "--tokens", "150", "--seed", "" + seed);
    assertEquals(ExitCode.OK, gen.exitCode(), gen.err());
    return gen.out().strip();
  }

  /** Answers that echo their watermarked prompts: "radioactive" only without the safeguards. */
  Path echoingAnswers() throws Exception {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      String marked = generated(10 + i);
      b.append(JSON.writeValueAsString(Map.of("prompt", marked, "answer", marked))).append('\n');
    }
    Path f = dir.resolve("answers.jsonl");
    Files.writeString(f, b);
    return f;
  }

  @Test
  void promptFilterNoneAndNoDedupAreNotAValidTest() throws Exception {
    Path answers = echoingAnswers();
    for (String[] flags :
        new String[][] {
          {"--prompt-filter", "none"}, {"--no-dedup"}, {"--no-dedup", "--prompt-filter", "all"}
        }) {
      String[] base = {"radioactivity", "--keys", keys.toString(), "--json", answers.toString()};
      String[] args = new String[base.length + flags.length];
      System.arraycopy(base, 0, args, 0, base.length);
      System.arraycopy(flags, 0, args, base.length, flags.length);
      CliRun r = CliRun.run(args);
      assertEquals(ExitCode.NOT_DETECTED, r.exitCode(), String.join(" ", flags) + r.err());
      JsonNode j = JSON.readTree(r.out());
      assertEquals("not_a_valid_test", j.get("verdict").asText(), j.toString());
      assertFalse(j.get("valid_test").asBoolean());
      assertTrue(j.get("note").asText().contains("not a valid test"));
    }
    CliRun human =
        CliRun.run(
            "radioactivity",
            "--keys",
            keys.toString(),
            "--prompt-filter",
            "none",
            "--no-dedup",
            answers.toString());
    assertEquals(ExitCode.NOT_DETECTED, human.exitCode(), human.err());
    assertTrue(human.out().contains("NOT A VALID TEST"), human.out());
    assertFalse(human.out().contains("RADIOACTIVE"), human.out());
    // the same answers with the safeguards: a valid test, not radioactive
    CliRun strict =
        CliRun.run("radioactivity", "--keys", keys.toString(), "--json", answers.toString());
    assertEquals("not_radioactive", JSON.readTree(strict.out()).get("verdict").asText());
  }

  @Test
  void anExploratoryRunCannotBeSigned() throws Exception {
    Path answers = echoingAnswers();
    Path evidence = dir.resolve("finding.json");
    for (String flag : new String[] {"--no-dedup", "--prompt-filter=none"}) {
      CliRun r =
          CliRun.run(
              "radioactivity",
              "--keys",
              keys.toString(),
              flag,
              "--evidence",
              evidence.toString(),
              answers.toString());
      assertEquals(ExitCode.BAD_INPUT, r.exitCode(), r.out() + r.err());
      assertTrue(r.err().contains("not a valid test"), r.err());
      assertFalse(Files.exists(evidence));
    }
  }

  @Test
  void aWorkFolderOfAnotherCorpusOrOtherOptionsExitsTwo() throws Exception {
    Path a = Files.createDirectories(dir.resolve("a"));
    Path b = Files.createDirectories(dir.resolve("b"));
    for (int i = 0; i < 4; i++) {
      Files.writeString(a.resolve("doc" + i + ".txt"), "Plain text " + i + ", as people write.");
      Files.writeString(b.resolve("doc" + i + ".txt"), i == 1 ? generated(i) : "Other " + i);
    }
    Path work = dir.resolve("work");
    CliRun first =
        CliRun.run("scan", "--keys", keys.toString(), "--work", work.toString(), a.toString());
    assertEquals(ExitCode.NOT_DETECTED, first.exitCode(), first.err());
    CliRun other =
        CliRun.run("scan", "--keys", keys.toString(), "--work", work.toString(), b.toString());
    assertEquals(ExitCode.BAD_INPUT, other.exitCode(), other.err());
    assertTrue(other.err().contains("another corpus"), other.err());
    CliRun options =
        CliRun.run(
            "scan",
            "--keys",
            keys.toString(),
            "--fdr",
            "0.05",
            "--work",
            work.toString(),
            a.toString());
    assertEquals(ExitCode.BAD_INPUT, options.exitCode(), options.err());
    assertTrue(options.err().contains("other options"), options.err());
    CliRun same =
        CliRun.run("scan", "--keys", keys.toString(), "--work", work.toString(), a.toString());
    assertEquals(ExitCode.NOT_DETECTED, same.exitCode(), same.err());
  }
}
