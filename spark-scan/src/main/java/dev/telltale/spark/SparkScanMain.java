package dev.telltale.spark;

import dev.telltale.forensics.corpus.CorpusInputException;
import dev.telltale.forensics.scan.CorpusScan;
import dev.telltale.forensics.scan.ScanJson;
import dev.telltale.forensics.scan.ScanResult;
import dev.telltale.text.Tokenizers;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Entry point of the Spark scan, for {@code spark-submit} and for {@code telltale scan --engine
 * spark} (which runs it in a child JVM): prints the summary JSON of {@code telltale scan --json}
 * (or writes it to {@code --summary}) and exits as {@code telltale scan} does: 0 when the pooled
 * test detects at {@code --alpha}, 1 when not, 2 on bad input, 3 on an internal error.
 */
public final class SparkScanMain {
  static final int OK = 0;
  static final int NOT_DETECTED = 1;
  static final int BAD_INPUT = 2;
  static final int INTERNAL = 3;

  static final String USAGE =
      String.join(
          "\n",
          "usage: spark-scan --keys FILE [--master URL] [--format files|parquet] [--field NAME]",
          "                  [--column NAME] [--id-column NAME] [--out DIR]",
          "                  [--out-format jsonl|parquet] [--summary FILE] [--fdr Q] [--alpha A]",
          "                  [--tokenizer NAME] [--conf KEY=VALUE]... PATH...");

  private SparkScanMain() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Parsed command line. */
  record Args(
      String master,
      String keys,
      SparkCorpusScan.Options options,
      String field,
      String tokenizer,
      String out,
      SparkCorpusScan.OutputFormat outFormat,
      String summary,
      double alpha,
      Map<String, String> conf,
      List<String> paths) {}

  static int run(String[] argv, PrintStream out, PrintStream err) {
    Args a;
    try {
      a = parse(argv);
    } catch (IllegalArgumentException e) {
      err.println("spark-scan: " + e.getMessage());
      err.println(USAGE);
      return BAD_INPUT;
    }
    try {
      // What the driver can check without Spark fails before a Spark session starts.
      for (String p : a.paths()) {
        if (!CorpusListing.hasScheme(p) && !Files.exists(Path.of(p))) {
          throw new CorpusInputException("no such file or folder: " + p);
        }
      }
      PartitionScorer.scorer(
          new ScanSpec(
              a.keys(), a.tokenizer(), a.field(), CorpusScan.Options.defaults().partitions()));
    } catch (CorpusInputException e) {
      err.println("telltale: " + e.getMessage());
      return BAD_INPUT;
    }
    SparkSession.Builder b = SparkSession.builder().appName("telltale-scan");
    if (a.master() != null) {
      b.master(a.master());
    }
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
    if (a.master() != null && a.master().startsWith("local")) {
      // Embedded run: no web UI, nothing listening beyond loopback.
      conf.put("spark.ui.enabled", "false");
      conf.put("spark.driver.host", "127.0.0.1");
      conf.put("spark.driver.bindAddress", "127.0.0.1");
    }
    if (a.master() != null
        && !a.master().startsWith("local")
        && !a.conf().containsKey("spark.jars")
        && System.getProperty("spark.jars") == null) {
      // Started directly against a cluster (as telltale scan --engine spark does), not by
      // spark-submit: ship the jars the executors need beyond Spark's own.
      String jars = AppJars.list();
      if (!jars.isEmpty()) {
        conf.put("spark.jars", jars);
      }
    }
    conf.putAll(a.conf());
    conf.forEach(b::config);
    SparkSession spark = b.getOrCreate();
    ScanProgress progress = new ScanProgress(err);
    spark.sparkContext().addSparkListener(progress);
    try {
      ScanSpec spec =
          new ScanSpec(
              a.keys(), a.tokenizer(), a.field(), CorpusScan.Options.defaults().partitions());
      SparkCorpusScan.Output output =
          a.out() == null ? null : new SparkCorpusScan.Output(a.out(), a.outFormat());
      ScanResult r;
      try {
        r = new SparkCorpusScan(spark, spec, a.options()).run(a.paths(), output);
      } finally {
        err.println(progress.summary());
        err.flush();
      }
      String json = ScanJson.of(r).toString();
      if (a.summary() != null) {
        Files.writeString(Path.of(a.summary()), json + "\n", StandardCharsets.UTF_8);
      } else {
        out.println(json);
        out.flush();
      }
      return r.pooled().log10PValue() <= Math.log10(a.alpha()) ? OK : NOT_DETECTED;
    } catch (CorpusInputException | IllegalArgumentException e) {
      err.println("telltale: " + e.getMessage());
      return BAD_INPUT;
    } catch (IOException | RuntimeException e) {
      err.println("telltale: internal error: " + e);
      return INTERNAL;
    } finally {
      spark.stop();
    }
  }

  static Args parse(String[] argv) {
    String master = null;
    String keys = null;
    SparkCorpusScan.Options options = SparkCorpusScan.Options.defaults();
    String field = "text";
    String column = null;
    String idColumn = "id";
    String tokenizer = Tokenizers.CL100K_BASE;
    String out = null;
    SparkCorpusScan.OutputFormat outFormat = SparkCorpusScan.OutputFormat.JSONL;
    String summary = null;
    double alpha = 1e-6;
    double fdr = 0.01;
    Map<String, String> conf = new LinkedHashMap<>();
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < argv.length; i++) {
      String arg = argv[i];
      if (!arg.startsWith("--")) {
        paths.add(arg);
        continue;
      }
      if (i + 1 >= argv.length) {
        throw new IllegalArgumentException(arg + " needs a value");
      }
      String v = argv[++i];
      switch (arg) {
        case "--master" -> master = v;
        case "--keys" -> keys = v;
        case "--format" -> options = options.withFormat(format(v));
        case "--field" -> field = v;
        case "--column" -> column = v;
        case "--id-column" -> idColumn = v;
        case "--tokenizer" -> tokenizer = v;
        case "--out" -> out = v;
        case "--out-format" -> outFormat = outFormat(v);
        case "--summary" -> summary = v;
        case "--alpha" -> alpha = number(arg, v);
        case "--fdr" -> fdr = number(arg, v);
        case "--conf" -> {
          int eq = v.indexOf('=');
          if (eq <= 0) {
            throw new IllegalArgumentException("--conf takes KEY=VALUE, got " + v);
          }
          conf.put(v.substring(0, eq), v.substring(eq + 1));
        }
        default -> throw new IllegalArgumentException("unknown option " + arg);
      }
    }
    if (keys == null) {
      throw new IllegalArgumentException("--keys is required");
    }
    if (paths.isEmpty()) {
      throw new IllegalArgumentException("no corpus files or folders given");
    }
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("--alpha must be in (0, 1), got " + alpha);
    }
    if (!Tokenizers.names().contains(tokenizer) && !Tokenizers.isTokenizerFile(tokenizer)) {
      throw new IllegalArgumentException(
          "unknown tokenizer "
              + tokenizer
              + "; known: "
              + Tokenizers.names()
              + ", or the path of a Hugging Face tokenizer.json");
    }
    options =
        new SparkCorpusScan.Options(
            options.format(), column == null ? field : column, idColumn, fdr, 10_000);
    return new Args(
        master, keys, options, field, tokenizer, out, outFormat, summary, alpha, conf, paths);
  }

  private static double number(String opt, String v) {
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(opt + " takes a number, got " + v);
    }
  }

  private static SparkCorpusScan.Format format(String v) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "files", "text", "jsonl" -> SparkCorpusScan.Format.FILES;
      case "parquet" -> SparkCorpusScan.Format.PARQUET;
      default -> throw new IllegalArgumentException("--format is files or parquet, got " + v);
    };
  }

  private static SparkCorpusScan.OutputFormat outFormat(String v) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "jsonl" -> SparkCorpusScan.OutputFormat.JSONL;
      case "parquet" -> SparkCorpusScan.OutputFormat.PARQUET;
      default -> throw new IllegalArgumentException("--out-format is jsonl or parquet, got " + v);
    };
  }
}
