package dev.telltale.spark;

import dev.telltale.TestKeys;
import dev.telltale.forensics.corpus.DocumentSource;
import dev.telltale.forensics.scan.CorpusScan;
import dev.telltale.forensics.scan.ScanListener;
import dev.telltale.forensics.scan.ScanResult;
import dev.telltale.key.KeySet;
import dev.telltale.key.KeySetFile;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.text.Tokenizer;
import dev.telltale.text.Tokenizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * Throughput of the single-machine scan and the Spark job (local[1], local[2]) on the same
 * generated JSONL corpus (8 MB shards, one green-list key), at the sizes given in MB; prints one
 * line per engine and size with the load average, then the two ratios the README's targets name,
 * and checks the engines agree on the pooled p-value. Run as described in README's Benchmarks
 * section.
 */
public final class ScanThroughput {
  private ScanThroughput() {}

  public static void main(String[] args) throws Exception {
    Tokenizer tok = Tokenizers.cl100kBase();
    WatermarkKey key = TestKeys.key(41, GreenListParameters.defaults());
    KeySet keys = KeySet.single(key);
    Path root = Files.createTempDirectory("telltale-bench");
    Path keyFile = root.resolve("keys.json");
    KeySetFile.write(keyFile, keys, false);
    System.out.printf(
        "%-10s %8s %9s %9s %8s %10s %8s %9s%n",
        "engine", "MB", "docs", "seconds", "MB/s", "docs/s", "load", "cpu s/MB");
    try {
      for (String a : args) {
        long mb = Long.parseLong(a);
        Path corpus = root.resolve("corpus-" + mb);
        long docs = CorpusWriter.write(corpus, mb << 20, 8L << 20, tok, key, 7);
        double bytes = mb << 20;
        long t0 = System.nanoTime();
        cpu0 = cpu();
        ScanResult local;
        try (DocumentSource src = DocumentSource.files(List.of(corpus), "text")) {
          local =
              CorpusScan.of(keys, tok, CorpusScan.Options.defaults().withThreads(2))
                  .run(src, root.resolve("work-" + mb), new ScanListener() {});
        }
        double[] seconds = new double[3];
        seconds[0] = report("CorpusScan", mb, docs, System.nanoTime() - t0, bytes);
        for (int threads : new int[] {1, 2}) {
          SparkSession spark = TestSessions.local(threads);
          try {
            long t1 = System.nanoTime();
            cpu0 = cpu();
            ScanResult r =
                new SparkCorpusScan(
                        spark,
                        new ScanSpec(keyFile.toString(), tok.name(), "text", 256),
                        SparkCorpusScan.Options.defaults())
                    .run(List.of(corpus.toString()), null);
            seconds[threads] =
                report("local[" + threads + "]", mb, docs, System.nanoTime() - t1, bytes);
            if (r.pooled().log10PValue() != local.pooled().log10PValue()
                || r.best().scoredTuples() != local.best().scoredTuples()) {
              throw new AssertionError("engines disagree at " + mb + " MB");
            }
          } finally {
            spark.stop();
          }
        }
        System.out.printf(
            "%d MB: local[2] per-MB cost %.2fx CorpusScan (2 threads) [target <= 1.5];"
                + " local[2] throughput %.2fx local[1] [target >= 1.7]%n",
            mb, seconds[2] / seconds[0], seconds[1] / seconds[2]);
      }
    } finally {
      try (Stream<Path> w = Files.walk(root)) {
        w.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static long cpu0;

  /** CPU time of this process (every thread), in nanoseconds. */
  private static long cpu() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static double report(String engine, long mb, long docs, long nanos, double bytes) {
    double s = nanos / 1e9;
    double cpuPerMb = (cpu() - cpu0) / 1e9 / (bytes / (1 << 20));
    double load =
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    System.out.printf(
        "%-10s %8d %9d %9.1f %8.2f %10.0f %8.2f %9.3f%n",
        engine, mb, docs, s, bytes / 1e6 / s, docs / s, load, cpuPerMb);
    return s;
  }
}
