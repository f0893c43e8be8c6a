package dev.telltale.benchmarks;

import dev.telltale.forensics.corpus.Document;
import dev.telltale.forensics.corpus.DocumentSource;
import dev.telltale.forensics.scan.CorpusScan;
import dev.telltale.forensics.scan.ScanListener;
import dev.telltale.forensics.scan.ScanResult;
import dev.telltale.key.KeySet;
import dev.telltale.key.WatermarkKey;
import dev.telltale.text.Tokenizers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A whole corpus scan ({@link CorpusScan#run}: tokenize, per-document detection, spill, exact
 * pooled merge, Benjamini–Hochberg) of about 8 MB of English JSONL-sized documents held in memory,
 * with one and with two scoring threads. The corpus size in bytes and tokens is printed at setup;
 * MB/s = bytes / (ms/op) / 1000.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(
    value = 1,
    jvmArgs = {"-Xmx512m"})
@State(Scope.Benchmark)
public class CorpusScanBenchmark {
  @Param({"1", "2"})
  int threads;

  private List<Document> docs;
  private KeySet keys;
  private Path work;
  private int run;

  @Setup
  public void setup() throws IOException {
    docs = ScanCorpusGenerator.documents(8_000_000, 1);
    WatermarkKey key = BenchData.kgwKey();
    keys = KeySet.of(key.id(), List.of(key));
    work = Files.createTempDirectory("scan-bench");
    long bytes =
        docs.stream().mapToLong(d -> d.text().getBytes(StandardCharsets.UTF_8).length).sum();
    long tokens =
        docs.stream().mapToLong(d -> Tokenizers.cl100kBase().encode(d.text()).length).sum();
    System.out.printf(
        "%n[corpus] %d documents, %d UTF-8 bytes, %d tokens%n", docs.size(), bytes, tokens);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    try (Stream<Path> w = Files.walk(work)) {
      w.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  public ScanResult scan() throws IOException {
    return CorpusScan.of(
            keys, Tokenizers.cl100kBase(), CorpusScan.Options.defaults().withThreads(threads))
        .run(DocumentSource.of(docs), work.resolve("run-" + run++), ScanListener.NONE);
  }
}
