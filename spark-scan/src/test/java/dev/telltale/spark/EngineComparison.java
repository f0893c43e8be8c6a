package dev.telltale.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.forensics.corpus.DocumentSource;
import dev.telltale.forensics.scan.CorpusScan;
import dev.telltale.forensics.scan.ScanJson;
import dev.telltale.forensics.scan.ScanListener;
import dev.telltale.forensics.scan.ScanResult;
import dev.telltale.key.KeySetFile;
import dev.telltale.key.WatermarkKey;
import dev.telltale.text.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.SparkSession;

/**
 * One JSONL corpus scanned under one key file by the single-machine scan (the reference) and by the
 * Spark job, for the tests that hold a kind of key to the same result on both engines.
 *
 * @param reference the single-machine scan's summary
 * @param referenceLines its per-document lines
 * @param spark the Spark job's summary
 * @param sparkLines its per-document lines, part files in order
 */
record EngineComparison(
    ScanResult reference, List<String> referenceLines, ScanResult spark, List<String> sparkLines) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Scans {@code jsonlDir} on both engines, with work and output folders under {@code dir}. */
  static EngineComparison run(
      SparkSession session, Tokenizer tok, Path keyFile, Path jsonlDir, Path dir) throws Exception {
    ScanResult ref;
    List<String> refLines;
    try (DocumentSource src = DocumentSource.files(List.of(jsonlDir), "text")) {
      ref =
          CorpusScan.of(KeySetFile.read(keyFile), tok, CorpusScan.Options.defaults().withThreads(2))
              .run(src, dir.resolve("work"), new ScanListener() {});
      refLines = Files.readAllLines(ref.documentsFile());
    }
    Path out = dir.resolve("out");
    ScanResult r =
        new SparkCorpusScan(
                session,
                new ScanSpec(keyFile.toString(), tok.name(), "text", 256),
                SparkCorpusScan.Options.defaults())
            .run(
                List.of(jsonlDir.toString()),
                new SparkCorpusScan.Output(out.toString(), SparkCorpusScan.OutputFormat.JSONL));
    return new EngineComparison(ref, refLines, r, SparkCorpusScanTest.partLines(out));
  }

  /** Both engines give the same summary JSON and the same per-document lines. */
  void assertSameOnBothEngines() {
    assertEquals(ScanJson.of(reference), ScanJson.of(spark));
    assertEquals(referenceLines, sparkLines);
  }

  /**
   * Not an empty statement: of the first {@code total} documents, every fourth ({@code doc-i}) was
   * embedded under {@code keys[(i / 4) % keys.length]} and is found under that key at log10 p below
   * -3.
   */
  void assertEveryFourthFoundUnderItsKey(WatermarkKey[] keys, int total) throws Exception {
    for (int i = 0; i < total; i += 4) {
      JsonNode line = JSON.readTree(referenceLines.get(i));
      assertEquals("doc-" + i, line.get("id").asText());
      assertEquals(
          keys[(i / 4) % keys.length].id().value(), line.get("key_id").asText(), line.toString());
      assertTrue(line.get("log10_p_value").asDouble() < -3, line.toString());
    }
  }

  /** A softmax draw over {@code logits}: the index drawn. */
  static int softmax(float[] logits, SplittableRandom r) {
    double z = 0;
    for (float l : logits) {
      z += Math.exp(l);
    }
    double u = r.nextDouble() * z;
    for (int i = 0; i < logits.length; i++) {
      u -= Math.exp(logits[i]);
      if (u <= 0) {
        return i;
      }
    }
    return logits.length - 1;
  }
}
