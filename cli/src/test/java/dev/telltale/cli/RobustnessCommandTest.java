package dev.telltale.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RobustnessCommandTest {
  @TempDir Path dir;

  @Test
  void writesTheTableAsJsonMarkdownAndHtml() throws Exception {
    Path keys = dir.resolve("keys.json");
    assertEquals(
        ExitCode.OK,
        CliRun.run("keys", "create", "--out", keys.toString(), "--id", "k").exitCode());
    Path out = dir.resolve("out");
    CliRun r =
        CliRun.run(
            "robustness",
            "--keys",
            keys.toString(),
            "--lengths",
            "60",
            "--texts",
            "4",
            "--nulls",
            "4",
            "--quick",
            "--out",
            out.toString());
    assertEquals(ExitCode.OK, r.exitCode(), r.err());
    JsonNode root = new ObjectMapper().readTree(Files.readString(out.resolve("robustness.json")));
    JsonNode rows = root.get("rows");
    assertTrue(rows.size() > 20, rows.toString());
    JsonNode first = rows.get(0);
    assertEquals("none", first.get("attack").asText());
    assertEquals(60, first.get("length").asInt());
    assertEquals(1.0, first.get("tpr").get(0).asDouble());
    assertTrue(root.get("command").asText().startsWith("telltale robustness --keys KEYS"));
    assertFalse(root.get("command").asText().contains(keys.toString()));
    String md = Files.readString(out.resolve("robustness.md"));
    assertTrue(md.contains("| kgw | homoglyphs-10 | 60 | hardened |"), md);
    String html = Files.readString(out.resolve("robustness.html"));
    assertTrue(html.contains("<svg id=\"robustness-0\""), html);
  }

  @Test
  void badLengthsAreBadInput() {
    CliRun r =
        CliRun.run("robustness", "--keys", dir.resolve("none.json").toString(), "--lengths", "2");
    assertEquals(ExitCode.BAD_INPUT, r.exitCode());
    assertTrue(r.err().contains("--lengths"), r.err());
  }
}
