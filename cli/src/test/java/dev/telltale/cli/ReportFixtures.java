package dev.telltale.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Real results from the real commands (keys, generate, detect, scan, radioactivity) for reports.
 */
final class ReportFixtures {
  static final ObjectMapper JSON = new ObjectMapper();

  final Path dir;
  final Path keys;

  ReportFixtures(Path dir) {
    this.dir = dir;
    this.keys = dir.resolve("keys.json");
    ok(CliRun.run("keys", "create", "--out", keys.toString(), "--id", "k1"));
  }

  static CliRun ok(CliRun r) {
    assertEquals(ExitCode.OK, r.exitCode(), r.err());
    return r;
  }

  Path write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  String generated(int tokens, int seed) {
    return ok(CliRun.run(
            "generate", "--keys", keys.toString(), "--tokens", "" + tokens, "--seed", "" + seed))
        .out()
        .strip();
  }

  /** The watermarked text and {@code detect --json [--explain]} of it. */
  Path detection(String name, boolean explain) throws Exception {
    Path text = write(name + ".txt", generated(200, 3));
    CliRun r =
        explain
            ? CliRun.run(
                "detect", "--keys", keys.toString(), "--json", "--explain", text.toString())
            : CliRun.run("detect", "--keys", keys.toString(), "--json", text.toString());
    return write(name + ".json", ok(r).out());
  }

  /** {@code scan --json} of a folder of 9 documents, 3 of them watermarked. */
  Path scan() throws Exception {
    Path corpus = Files.createDirectories(dir.resolve("corpus"));
    for (int i = 0; i < 9; i++) {
      String text =
          i % 3 == 0
              ? generated(120, 10 + i)
              : ok(CliRun.run("generate", "--plain", "--tokens", "120", "--seed", "" + i))
                  .out()
                  .strip();
      Files.writeString(corpus.resolve("doc-" + i + ".txt"), text);
    }
    CliRun r = CliRun.run("scan", "--keys", keys.toString(), "--json", corpus.toString());
    return write("scan.json", ok(r).out());
  }

  /** {@code radioactivity --json} of exchanges whose answers are our watermarked outputs. */
  Path radioactivity() throws Exception {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      b.append(
              JSON.writeValueAsString(
                  Map.of("prompt", "Question " + i + ":", "answer", generated(80, 30 + i))))
          .append('\n');
    }
    Path ex = write("exchanges.jsonl", b.toString());
    CliRun r = CliRun.run("radioactivity", "--keys", keys.toString(), "--json", ex.toString());
    return write("radioactivity.json", ok(r).out());
  }
}
