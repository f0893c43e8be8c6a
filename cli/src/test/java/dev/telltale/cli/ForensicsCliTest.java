package dev.telltale.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForensicsCliTest {
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
        CliRun.run("generate", "--keys", keys.toString(), "--tokens", "120", "--seed", "" + seed);
    assertEquals(ExitCode.OK, gen.exitCode(), gen.err());
    return gen.out().strip();
  }

  @Test
  void scanFindsTheWatermarkedDocumentsOfAJsonlCorpus() throws Exception {
    StringBuilder b = new StringBuilder();
    List<String> human =
        List.of(
            "The committee met on Tuesday to discuss the budget for the coming year.",
            "We must ensure that the regulation is applied fairly in every member state.",
            "I would like to thank the rapporteur for an excellent and balanced report.");
    for (int i = 0; i < 12; i++) {
      String text = i % 4 == 0 ? generated(i) : human.get(i % 3) + " (" + i + ")";
      b.append(JSON.writeValueAsString(java.util.Map.of("id", "d" + i, "text", text)));
      b.append('\n');
    }
    b.append("{not json\n");
    Path corpus = dir.resolve("c.jsonl");
    Files.writeString(corpus, b.toString());
    Path out = dir.resolve("results.jsonl");
    CliRun r =
        CliRun.run(
            "scan",
            "--keys",
            keys.toString(),
            "--json",
            "--out",
            out.toString(),
            corpus.toString());
    assertEquals(ExitCode.OK, r.exitCode(), r.err());
    JsonNode j = JSON.readTree(r.out());
    assertEquals(12, j.get("documents").asLong());
    assertTrue(j.get("log10_pooled_p_value").asDouble() < -6);
    assertEquals(1, j.get("keys_tested").asInt());
    assertEquals(1, j.get("malformed_lines").get("count").asLong());
    assertEquals(13, j.get("malformed_lines").get("first").get(0).get("line").asLong());
    assertTrue(r.err().contains("line 13"), r.err());
    JsonNode ids = j.get("suspect_documents").get("ids");
    assertEquals(3, ids.size(), ids.toString());
    for (JsonNode id : ids) {
      assertEquals(0, Integer.parseInt(id.asText().substring(1)) % 4);
    }
    List<String> lines = Files.readAllLines(out);
    assertEquals(12, lines.size());
    JsonNode first = JSON.readTree(lines.get(0));
    for (String f : new String[] {"id", "tokens", "scored", "statistic", "p_value"}) {
      assertTrue(first.has(f), f);
    }
  }

  @Test
  void badCorporaExitTwoWithOneLine() throws Exception {
    Path noField = dir.resolve("a.jsonl");
    Files.writeString(noField, "{\"body\":\"x\"}\n");
    Path binary = dir.resolve("b.txt");
    Files.write(binary, new byte[] {1, 0, (byte) 0xff});
    Path empty = Files.createDirectories(dir.resolve("empty"));
    for (Path p : List.of(noField, binary, empty, dir.resolve("missing"))) {
      CliRun r = CliRun.run("scan", "--keys", keys.toString(), p.toString());
      assertEquals(ExitCode.BAD_INPUT, r.exitCode(), p + ": " + r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertTrue(r.err().startsWith("telltale: "), r.err());
    }
  }

  @Test
  void radioactivityOfPlainAnswersIsNotFlaggedAndBadInputExitsTwo() throws Exception {
    Path answers = dir.resolve("answers.jsonl");
    Files.writeString(
        answers,
        "{\"prompt\":\"The Commission\",\"answer\":\"has proposed a new directive on the matter.\"}\n"
            + "{\"prompt\":\"Mr President,\",\"answer\":\"I should like to raise a point of order.\"}\n");
    CliRun r = CliRun.run("radioactivity", "--keys", keys.toString(), "--json", answers.toString());
    assertEquals(ExitCode.NOT_DETECTED, r.exitCode(), r.err());
    JsonNode j = JSON.readTree(r.out());
    assertTrue(j.get("scored_tuples").asLong() > 5);
    assertEquals("not_radioactive", j.get("verdict").asText());
    Path bad = dir.resolve("bad.jsonl");
    Files.writeString(bad, "{\"prompt\":\"x\"}\n");
    CliRun b = CliRun.run("radioactivity", "--keys", keys.toString(), bad.toString());
    assertEquals(ExitCode.BAD_INPUT, b.exitCode());
    assertTrue(b.err().contains("\"answer\""), b.err());
    CliRun m =
        CliRun.run("radioactivity", "--keys", keys.toString(), "--mode", "x", bad.toString());
    assertEquals(ExitCode.BAD_INPUT, m.exitCode());
  }

  @Test
  void aRerunOnTheSameWorkFolderResumesToTheSameResult() throws Exception {
    Path corpus = Files.createDirectories(dir.resolve("folder"));
    for (int i = 0; i < 5; i++) {
      Files.writeString(
          corpus.resolve("doc" + i + ".txt"),
          i == 2 ? generated(i) : "Plain text " + i + ", as people write it.");
    }
    Path work = dir.resolve("work");
    String[] args = {
      "scan",
      "--keys",
      keys.toString(),
      "--json",
      "--work",
      work.toString(),
      "--checkpoint-every",
      "1",
      corpus.toString()
    };
    CliRun first = CliRun.run(args);
    assertEquals(ExitCode.OK, first.exitCode(), first.err());
    assertTrue(Files.exists(work.resolve("checkpoint.json")));
    CliRun again = CliRun.run(args);
    assertEquals(first.out(), again.out());
    JsonNode j = JSON.readTree(first.out());
    assertEquals(1, j.get("suspect_documents").get("count").asLong());
    assertTrue(j.get("suspect_documents").get("ids").get(0).asText().endsWith("doc2.txt"));
  }
}
