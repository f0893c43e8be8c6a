package dev.telltale.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.TestKeys;
import dev.telltale.forensics.corpus.DocumentSource;
import dev.telltale.forensics.scan.CorpusScan;
import dev.telltale.forensics.scan.ScanJson;
import dev.telltale.forensics.scan.ScanListener;
import dev.telltale.forensics.scan.ScanResult;
import dev.telltale.key.KeySet;
import dev.telltale.key.KeySetFile;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.text.Tokenizers;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corpus larger than the whole heap of the JVM that runs Spark (driver and executor in local
 * mode): the job must stream documents, persist and shuffle fingerprints on disk, and still equal
 * the single-machine scan exactly.
 *
 * <p>Tagged {@code large}: it scans 144 MB twice (Spark, then the single-machine reference), a
 * minute or more on two cores. It runs in every build; skip it while iterating with {@code
 * -Dspark.excludedGroups=large}.
 */
@Tag("large")
class SmallHeapScanTest {
  static final long HEAP_MB = 128;
  static final long CORPUS_MB = 144;

  @TempDir Path dir;

  @Test
  void aCorpusLargerThanTheHeapCompletesWithTheSingleMachineResult() throws Exception {
    WatermarkKey key = TestKeys.key(41, GreenListParameters.defaults());
    Path keyFile = dir.resolve("keys.json");
    KeySetFile.write(keyFile, KeySet.single(key), false);
    Path corpus = dir.resolve("corpus");
    long docs =
        CorpusWriter.write(corpus, CORPUS_MB << 20, 16L << 20, Tokenizers.cl100kBase(), key, 11);
    Path summary = dir.resolve("summary.json");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(Arrays.asList(System.getProperty("spark.jvm.options").trim().split("\\s+")));
    cmd.add("-Xmx" + HEAP_MB + "m");
    cmd.add("-cp");
    cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    cmd.addAll(
        List.of(
            SparkScanMain.class.getName(),
            "--master",
            "local[1]",
            // Spark refuses heaps under 450 MB unless its reserved share is lowered (a knob Spark
            // keeps for tests); the memory Spark manages is then 30% of 112 MB.
            "--conf",
            "spark.testing.reservedMemory=" + (16L << 20),
            "--conf",
            "spark.sql.shuffle.partitions=8",
            // Small heaps want small Tungsten pages and a smaller managed share, so that what
            // Spark thinks it may allocate is really free: the standard small-executor settings.
            "--conf",
            "spark.buffer.pageSize=2m",
            "--conf",
            "spark.memory.fraction=0.3",
            "--keys",
            keyFile.toString(),
            "--summary",
            summary.toString(),
            corpus.toString()));
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("child.log").toFile())
            .start();
    assertTrue(p.waitFor(10, TimeUnit.MINUTES), "the forked scan did not finish");
    String log = Files.readString(dir.resolve("child.log"));
    assertTrue(
        p.exitValue() == SparkScanMain.OK || p.exitValue() == SparkScanMain.NOT_DETECTED, log);
    assertTrue(Files.size(corpus.resolve("shard-00000.jsonl")) > 0);
    assertTrue(dirBytes(corpus) > HEAP_MB << 20, "corpus must exceed the heap");

    ScanResult local;
    try (DocumentSource src = DocumentSource.files(List.of(corpus), "text")) {
      local =
          CorpusScan.of(
                  KeySet.single(key),
                  Tokenizers.cl100kBase(),
                  CorpusScan.Options.defaults().withThreads(2))
              .run(src, dir.resolve("work"), new ScanListener() {});
    }
    ObjectMapper json = new ObjectMapper();
    JsonNode spark = json.readTree(summary.toFile());
    assertEquals(docs, spark.get("documents").asLong());
    // Both read back from text, so numbers compare by value rather than by node type.
    assertEquals(json.readTree(ScanJson.of(local).toString()), spark);
    // Most documents are unmarked and share few n-grams: the verdict is the local engine's too.
    boolean detected = local.pooled().log10PValue() <= Math.log10(1e-6);
    assertEquals(detected ? SparkScanMain.OK : SparkScanMain.NOT_DETECTED, p.exitValue());
  }

  private static long dirBytes(Path d) throws Exception {
    long n = 0;
    for (File f : d.toFile().listFiles()) {
      n += f.length();
    }
    return n;
  }
}
