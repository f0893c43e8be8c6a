package dev.telltale.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code telltale scan --engine spark} end to end: a real child JVM running Spark local[2] on the
 * spark-scan layout this build packaged, against the local engine on the same corpus.
 */
class SparkScanCliTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  static Path keys;
  static Path corpus;

  @BeforeAll
  static void corpus() throws Exception {
    assertTrue(
        SparkEngine.isLayout(Path.of("..", "spark-scan", "target")),
        "spark-scan must be packaged before the cli's tests (the reactor orders it so)");
    keys = dir.resolve("keys.json");
    CliRun k = CliRun.run("keys", "create", "--out", keys.toString(), "--id", "k1");
    assertEquals(ExitCode.OK, k.exitCode(), k.err());
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 12; i++) {
      String text;
      if (i % 3 == 0) {
        CliRun gen =
            CliRun.run("generate", "--keys", keys.toString(), "--tokens", "120", "--seed", "" + i);
        assertEquals(ExitCode.OK, gen.exitCode(), gen.err());
        text = gen.out().strip();
      } else {
        text = "We must ensure that the regulation is applied fairly in member state " + i + ".";
      }
      b.append(JSON.writeValueAsString(Map.of("id", "d" + i, "text", text))).append('\n');
    }
    b.append("{not json\n");
    corpus = dir.resolve("c.jsonl");
    Files.writeString(corpus, b.toString());
  }

  static String[] spark(String... rest) {
    List<String> a = new ArrayList<>(List.of("scan", "--engine", "spark", "--master", "local[2]"));
    a.addAll(List.of("--spark-lib", Path.of("..", "spark-scan", "target").toString()));
    a.addAll(List.of(rest));
    return a.toArray(String[]::new);
  }

  @Test
  void sparkEnginePrintsWhatTheLocalEnginePrints() throws Exception {
    Path localOut = dir.resolve("local.jsonl");
    CliRun local =
        CliRun.run(
            "scan",
            "--keys",
            keys.toString(),
            "--json",
            "--out",
            localOut.toString(),
            corpus.toString());
    assertEquals(ExitCode.OK, local.exitCode(), local.err());
    Path sparkOut = dir.resolve("spark-out");
    Path evidence = dir.resolve("spark-evidence.json");
    CliRun spark =
        CliRun.run(
            spark(
                "--keys",
                keys.toString(),
                "--json",
                "--out",
                sparkOut.toString(),
                "--evidence",
                evidence.toString(),
                corpus.toString()));
    assertEquals(ExitCode.OK, spark.exitCode(), spark.err());
    JsonNode expected = JSON.readTree(local.out());
    assertEquals(expected, JSON.readTree(spark.out()));

    // The Spark scan's signed statement verifies and records the same result.
    CliRun pub = CliRun.run("keys", "public", "--keys", keys.toString());
    assertEquals(ExitCode.OK, pub.exitCode(), pub.err());
    Path pubFile = dir.resolve("keys.public.json");
    Files.writeString(pubFile, pub.out());
    CliRun verified =
        CliRun.run(
            "evidence",
            "verify",
            evidence.toString(),
            "--public",
            pubFile.toString(),
            "--subject",
            corpus.toString());
    assertEquals(ExitCode.OK, verified.exitCode(), verified.err() + verified.out());
    JsonNode statement =
        JSON.readTree(
            dev.telltale.evidence.EnvelopeReader.parse(Files.readAllBytes(evidence)).payload());
    assertEquals(
        dev.telltale.evidence.CanonicalJson.string(expected),
        dev.telltale.evidence.CanonicalJson.string(statement.path("predicate").path("result")));
    assertEquals(4, expected.path("suspect_documents").path("count").asLong());
    assertTrue(spark.err().contains("skipped 1 malformed JSONL lines"), spark.err());
    List<String> parts = new ArrayList<>();
    try (Stream<Path> s = Files.list(sparkOut)) {
      for (Path p :
          s.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().toList()) {
        parts.addAll(Files.readAllLines(p));
      }
    }
    assertEquals(Files.readAllLines(localOut), parts);
  }

  /** The Spark scan's statement records each key's unit as the local scan's does (vLLM SBW). */
  @Test
  void sparkEvidenceRecordsTheUnitOfEveryKeyAsTheLocalEngine() throws Exception {
    Path mixed = dir.resolve("sbw-keys.json");
    Files.copy(keys, mixed);
    Path cfg = dir.resolve("sbw.json");
    Files.writeString(cfg, VllmCliTest.config("sbw", ",\"key\":7"));
    CliRun imp =
        CliRun.run(
            "keys",
            "import-vllm",
            "--config",
            cfg.toString(),
            "--keys",
            mixed.toString(),
            "--id",
            "vllm-sbw");
    assertEquals(ExitCode.OK, imp.exitCode(), imp.err());
    Path localEv = dir.resolve("local-sbw.ev.json");
    Path sparkEv = dir.resolve("spark-sbw.ev.json");
    CliRun local =
        CliRun.run(
            "scan",
            "--keys",
            mixed.toString(),
            "--evidence",
            localEv.toString(),
            corpus.toString());
    CliRun spark =
        CliRun.run(
            spark("--keys", mixed.toString(), "--evidence", sparkEv.toString(), corpus.toString()));
    assertEquals(ExitCode.OK, local.exitCode(), local.err());
    assertEquals(local.exitCode(), spark.exitCode(), spark.err());
    JsonNode dedup =
        JSON.readTree(
                dev.telltale.evidence.EnvelopeReader.parse(Files.readAllBytes(sparkEv)).payload())
            .path("predicate")
            .path("dedup");
    JsonNode localDedup =
        JSON.readTree(
                dev.telltale.evidence.EnvelopeReader.parse(Files.readAllBytes(localEv)).payload())
            .path("predicate")
            .path("dedup");
    assertEquals(localDedup, dedup);
    assertEquals("context window and token", dedup.path("unit").asText(), dedup::toString);
    assertEquals("k1", dedup.path("units").path(0).path("key_id").asText(), dedup::toString);
    assertEquals("vllm-sbw", dedup.path("units").path(1).path("key_id").asText());
    assertEquals(
        "effective seed and token (vLLM sbw)",
        dedup.path("units").path(1).path("unit").asText(),
        dedup::toString);
  }

  @Test
  void sparkEngineHumanOutputAndBadInput() {
    CliRun human = CliRun.run(spark("--keys", keys.toString(), corpus.toString()));
    assertEquals(ExitCode.OK, human.exitCode(), human.err());
    assertTrue(human.out().contains("suspects   4 documents"), human.out());

    CliRun missing =
        CliRun.run(spark("--keys", keys.toString(), dir.resolve("missing.jsonl").toString()));
    assertEquals(ExitCode.BAD_INPUT, missing.exitCode(), missing.err());
    assertTrue(missing.err().contains("missing.jsonl"), missing.err());
  }

  @Test
  void aMissingSparkLayoutNamesWhatToBuild() {
    CliRun r =
        CliRun.run(
            "scan",
            "--engine",
            "spark",
            "--spark-lib",
            dir.resolve("none").toString(),
            "--keys",
            keys.toString(),
            corpus.toString());
    assertEquals(ExitCode.BAD_INPUT, r.exitCode());
    assertTrue(r.err().contains("-pl spark-scan -am package"), r.err());

    CliRun local =
        CliRun.run("scan", "--master", "local[2]", "--keys", keys.toString(), corpus.toString());
    assertEquals(ExitCode.BAD_INPUT, local.exitCode());
    assertTrue(local.err().contains("apply to --engine spark only"), local.err());
  }
}
