package dev.telltale.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.detect.DedupUnit;
import dev.telltale.detect.DetectionJson;
import dev.telltale.evidence.EvidenceKind;
import dev.telltale.forensics.corpus.CorpusInputException;
import dev.telltale.forensics.corpus.DocumentSource;
import dev.telltale.forensics.corpus.MalformedLine;
import dev.telltale.forensics.scan.CorpusScan;
import dev.telltale.forensics.scan.ScanJson;
import dev.telltale.forensics.scan.ScanListener;
import dev.telltale.forensics.scan.ScanResult;
import dev.telltale.key.KeySet;
import dev.telltale.text.Tokenizer;
import dev.telltale.text.TokenizerIdentity;
import dev.telltale.text.Tokenizers;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code telltale scan}: test a whole corpus, pooled and per document. */
@Command(
    name = "scan",
    description = {
      "Scan a corpus (text files, folders, JSONL, .gz) for the keys' watermark: one exact pooled",
      "test over the distinct tuples of the whole corpus, a p-value per document, and the suspect",
      "documents by Benjamini-Hochberg. Exit 0 when the pooled test detects, 1 when not, 2 on bad",
      "input. With --work the scan checkpoints there and a rerun resumes. --engine spark runs",
      "the same scan on Apache Spark (local[N] or a cluster master) with equal results."
    })
final class ScanCommand implements Callable<Integer> {
  @Option(names = "--keys", required = true, description = "Key set file.")
  Path keys;

  @Option(
      names = "--field",
      defaultValue = "text",
      description = "JSONL field holding the text (default ${DEFAULT-VALUE}).")
  String field;

  @Option(
      names = "--out",
      description = {
        "Per-document results, one JSON object per line (--engine spark: a folder of part",
        "files, JSONL or Parquet by --out-format)."
      })
  Path out;

  @Option(names = "--json", description = "Print the summary as one JSON object.")
  boolean json;

  @Option(
      names = "--fdr",
      defaultValue = "0.01",
      description = "False discovery rate of the suspect list (default ${DEFAULT-VALUE}).")
  double fdr;

  @Option(
      names = "--alpha",
      defaultValue = "1e-6",
      description = "Significance level of the pooled verdict (default ${DEFAULT-VALUE}).")
  double alpha;

  @Option(names = "--threads", description = "Scoring threads (default: all cores).")
  Integer threads;

  @Option(
      names = "--work",
      description = "Work folder for spill files and checkpoints; a rerun resumes from it.")
  Path work;

  @Option(
      names = "--checkpoint-every",
      defaultValue = "10000",
      description = "Checkpoint after this many documents (default ${DEFAULT-VALUE}).")
  long checkpointEvery;

  @Option(
      names = "--tokenizer",
      defaultValue = Tokenizers.CL100K_BASE,
      description =
          "Tokenizer of the generator (default ${DEFAULT-VALUE}), o200k_base, or the path of a"
              + " Hugging Face tokenizer.json.")
  String tokenizer;

  @Option(
      names = "--engine",
      defaultValue = "local",
      description = {
        "local (this JVM, default) or spark (Apache Spark, in a child JVM like spark-submit;",
        "needs the spark-scan module built)."
      })
  String engine;

  @Option(
      names = "--master",
      description =
          "Spark master URL for --engine spark: local[N] (default, N = all cores) or a cluster"
              + " (spark://HOST:PORT; this JVM's child is the driver and ships the scan's jars;"
              + " --keys must be readable on every executor, or shipped with --spark-conf"
              + " spark.files=PATH).")
  String master;

  @Option(
      names = "--spark-lib",
      description =
          "Folder with spark-scan.jar, lib/ and jvm.options (default: $TELLTALE_SPARK_LIB, else"
              + " spark-scan/target of this checkout).")
  Path sparkLib;

  @Option(
      names = "--format",
      defaultValue = "files",
      description = "Input of --engine spark: files (text, JSONL, .gz) or parquet.")
  String format;

  @Option(
      names = "--column",
      description = "Parquet column holding the text (default: the --field name).")
  String column;

  @Option(
      names = "--out-format",
      defaultValue = "jsonl",
      description = "Per-document results of --engine spark in --out DIR: jsonl or parquet.")
  String outFormat;

  @Option(
      names = "--spark-conf",
      paramLabel = "KEY=VALUE",
      description = "Spark configuration for --engine spark (repeatable).")
  List<String> sparkConf = new java.util.ArrayList<>();

  @Option(
      names = "--spark-heap",
      description = "Heap of the Spark child JVM (driver and local executors), e.g. 2g.")
  String sparkHeap;

  @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files or folders.")
  List<Path> paths;

  @Mixin EvidenceOption evidence;
  @Mixin TokenizerCheckOption tokenizerCheck;

  @Mixin KeyIdOption keyId;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (!(alpha > 0 && alpha < 1)) {
      throw new BadInputException("--alpha must be in (0, 1), got " + alpha);
    }
    if ("spark".equals(engine)) {
      return spark();
    }
    if (!"local".equals(engine)) {
      throw new BadInputException("--engine is local or spark, got " + engine);
    }
    if (master != null
        || sparkLib != null
        || column != null
        || sparkHeap != null
        || !sparkConf.isEmpty()
        || !"files".equals(format)
        || !"jsonl".equals(outFormat)) {
      throw new BadInputException(
          "--master, --spark-lib, --format, --column, --out-format, --spark-conf and --spark-heap"
              + " apply to --engine spark only");
    }
    CorpusScan.Options options;
    try {
      options =
          CorpusScan.Options.defaults()
              .withFdr(fdr)
              .withCheckpointEvery(checkpointEvery)
              .withThreads(threads == null ? Runtime.getRuntime().availableProcessors() : threads);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage());
    }
    Tokenizer tok = DetectCommand.tokenizer(tokenizer);
    KeySet set = keyId.select(KeysCommand.load(keys));
    tokenizerCheck.check(keys, tok);
    evidence.checkCanSign(set);
    if (work != null && Files.exists(work) && !Files.isDirectory(work)) {
      throw new BadInputException("--work '" + work + "' is a file, not a folder");
    }
    Path workDir = work != null ? work : Files.createTempDirectory("telltale-scan");
    ScanResult r;
    ProgressBar bar = ProgressBar.ifTerminal();
    try (DocumentSource source = DocumentSource.files(paths, field)) {
      r = CorpusScan.of(set, tok, options).run(source, workDir, bar);
      bar.done();
      if (out != null) {
        Files.copy(r.documentsFile(), out, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (CorpusInputException e) {
      bar.done();
      throw new BadInputException(e.getMessage(), e);
    } finally {
      if (work == null) {
        deleteTree(workDir);
      }
    }
    PrintWriter o = spec.commandLine().getOut();
    ObjectNode resultJson = TokenizerIdentity.putIfFile(ScanJson.of(r), tok);
    writeEvidence(set, r.best().scheme(), resultJson);
    if (json) {
      o.println(resultJson.toString());
    } else {
      printHuman(o, r);
    }
    o.flush();
    if (r.malformedCount() > 0) {
      PrintWriter err = spec.commandLine().getErr();
      err.printf("telltale: skipped %d malformed JSONL lines", r.malformedCount());
      MalformedLine first = r.malformed().get(0);
      err.printf(" (first: %s line %d, %s)%n", first.source(), first.line(), first.reason());
      err.flush();
    }
    return r.pooled().log10PValue() <= Math.log10(alpha) ? ExitCode.OK : ExitCode.NOT_DETECTED;
  }

  /** The signed statement of the scan, when --evidence asks for it (either engine). */
  private void writeEvidence(KeySet set, String scheme, ObjectNode resultJson) {
    if (!evidence.requested()) {
      return;
    }
    evidence.write(
        spec,
        set,
        EvidenceKind.SCAN,
        scheme,
        EvidenceOption.fileSubjects(paths),
        set.keys(),
        k -> DedupUnit.block(DedupUnit.Scope.CORPUS, true, k, set.keys()),
        resultJson);
  }

  /** The Spark engine: the same summary, output and exit codes, computed by the spark-scan job. */
  private Integer spark() throws IOException {
    if (work != null || threads != null || keyId.keyId != null) {
      throw new BadInputException("--work, --threads and --key-id apply to --engine local only");
    }
    Tokenizer tok = DetectCommand.tokenizer(tokenizer);
    // Read the key set here too: a bad key file is bad input before any JVM starts.
    KeySet set = keyId.select(KeysCommand.load(keys));
    tokenizerCheck.check(keys, tok);
    evidence.checkCanSign(set);
    Path layout = SparkEngine.layout(sparkLib);
    List<String> args = new java.util.ArrayList<>();
    args.addAll(
        List.of(
            "--master",
            master != null ? master : "local[" + Runtime.getRuntime().availableProcessors() + "]",
            "--keys",
            keys.toAbsolutePath().toString(),
            "--field",
            field,
            "--format",
            format,
            "--tokenizer",
            tok.fileSha256().isPresent()
                ? Path.of(tok.name()).toAbsolutePath().toString()
                : tok.name(),
            "--fdr",
            Double.toString(fdr),
            "--alpha",
            Double.toString(alpha)));
    if (column != null) {
      args.addAll(List.of("--column", column));
    }
    if (out != null) {
      args.addAll(List.of("--out", out.toAbsolutePath().toString(), "--out-format", outFormat));
    }
    for (String c : sparkConf) {
      args.addAll(List.of("--conf", c));
    }
    for (Path p : paths) {
      args.add(p.toString());
    }
    List<String> jvm = sparkHeap == null ? List.of() : List.of("-Xmx" + sparkHeap);
    PrintWriter err = spec.commandLine().getErr();
    SparkEngine.Outcome r = SparkEngine.run(layout, jvm, args, err);
    if (r.exitCode() == ExitCode.BAD_INPUT || r.exitCode() == ExitCode.INTERNAL) {
      // The child has said why on stderr.
      return r.exitCode();
    }
    if (r.summary().isEmpty()) {
      err.println(
          "telltale: the Spark scan ended with exit code " + r.exitCode() + " and no summary");
      return ExitCode.INTERNAL;
    }
    JsonNode j = r.summary().get();
    if (j instanceof ObjectNode summary) {
      TokenizerIdentity.putIfFile(summary, tok);
      writeEvidence(set, summary.path("scheme").asText(), summary);
    }
    PrintWriter o = spec.commandLine().getOut();
    if (json) {
      o.println(j.toString());
    } else {
      printHuman(o, j);
    }
    o.flush();
    long malformed = j.path("malformed_lines").path("count").asLong();
    if (malformed > 0) {
      JsonNode first = j.path("malformed_lines").path("first").path(0);
      err.printf("telltale: skipped %d malformed JSONL lines", malformed);
      err.printf(
          " (first: %s line %d, %s)%n",
          first.path("source").asText(),
          first.path("line").asLong(),
          first.path("reason").asText());
      err.flush();
    }
    return j.path("log10_pooled_p_value").asDouble() <= Math.log10(alpha)
        ? ExitCode.OK
        : ExitCode.NOT_DETECTED;
  }

  /** The human summary from the summary JSON (the Spark engine's result). */
  private static void printHuman(PrintWriter o, JsonNode j) {
    long scoredTuples = j.path("scored_tuples").asLong();
    o.printf(
        "documents  %d (%d tokens)%n", j.path("documents").asLong(), j.path("tokens").asLong());
    o.printf(
        "pooled     key %s (%s): %d distinct tuples of %d positions%n",
        j.path("key_id").asText(),
        j.path("scheme").asText(),
        scoredTuples,
        j.path("positions").asLong());
    if ("kgw".equals(j.path("scheme").asText())) {
      double green = j.path("green_tuples").asDouble();
      o.printf(
          "green      %d (%.2f%%, expected %.2f%%)%n",
          (long) green,
          scoredTuples == 0 ? 0.0 : 100.0 * green / scoredTuples,
          100.0 * j.path("expected_green_tuples").asDouble() / Math.max(1, scoredTuples));
    } else {
      o.printf(
          "score      %.1f (expected %.1f)%n",
          j.path("score").asDouble(), j.path("expected_score").asDouble());
    }
    int keysTested = j.path("keys_tested").asInt();
    double log10 = j.path("log10_pooled_p_value").asDouble();
    o.printf(
        "p-value    %s (log10 %.2f)%s%n",
        DetectionJson.formatP(j.path("pooled_p_value").asDouble(), log10),
        log10,
        keysTested > 1 ? ", family-wise over " + keysTested + " keys" : "");
    JsonNode s = j.path("suspect_documents");
    long count = s.path("count").asLong();
    o.printf("suspects   %d documents at FDR %s%n", count, s.path("fdr").asDouble());
    int shown = Math.min(10, s.path("ids").size());
    for (int i = 0; i < shown; i++) {
      o.printf("           %s%n", s.path("ids").get(i).asText());
    }
    if (count > shown) {
      o.printf("           ... (%d more; see --out or --json)%n", count - shown);
    }
  }

  private static void printHuman(PrintWriter o, ScanResult r) {
    ScanResult.PooledKey b = r.best();
    o.printf("documents  %d (%d tokens)%n", r.documents(), r.tokens());
    o.printf(
        "pooled     key %s (%s): %d distinct tuples of %d positions%n",
        b.keyId(), b.scheme(), b.scoredTuples(), b.positions());
    if ("kgw".equals(b.scheme())) {
      o.printf(
          "green      %d (%.2f%%, expected %.2f%%)%n",
          (long) b.score(),
          b.scoredTuples() == 0 ? 0.0 : 100.0 * b.score() / b.scoredTuples(),
          100.0 * b.expectedScore() / Math.max(1, b.scoredTuples()));
    } else {
      o.printf("score      %.1f (expected %.1f)%n", b.score(), b.expectedScore());
    }
    o.printf(
        "p-value    %s (log10 %.2f)%s%n",
        DetectionJson.formatP(r.pooled().pValue(), r.pooled().log10PValue()),
        r.pooled().log10PValue(),
        r.keysTested() > 1 ? ", family-wise over " + r.keysTested() + " keys" : "");
    o.printf("suspects   %d documents at FDR %s%n", r.suspectCount(), r.fdr());
    int shown = Math.min(10, r.suspectIds().size());
    for (String id : r.suspectIds().subList(0, shown)) {
      o.printf("           %s%n", id);
    }
    if (r.suspectCount() > shown) {
      o.printf("           ... (%d more; see --out or --json)%n", r.suspectCount() - shown);
    }
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // A temporary folder left behind is harmless.
    }
  }

  /** A one-line progress display on stderr, only when attached to a terminal. */
  static final class ProgressBar implements ScanListener {
    private final PrintStream err;
    private final long start = System.nanoTime();
    private long lastPrint;

    private ProgressBar(PrintStream err) {
      this.err = err;
    }

    static ProgressBar ifTerminal() {
      return new ProgressBar(System.console() != null ? System.err : null);
    }

    @Override
    public void progress(ScanProgress p) {
      if (err == null) {
        return;
      }
      long now = System.nanoTime();
      if (now - lastPrint < 200_000_000L) {
        return;
      }
      lastPrint = now;
      double s = (now - start) / 1e9;
      err.printf(
          "\rscanned %,d documents, %,d tokens, %.1f MB (%.1f MB/s)   ",
          p.documents(), p.tokens(), p.bytes() / 1e6, p.bytes() / 1e6 / Math.max(s, 1e-9));
      err.flush();
    }

    void done() {
      if (err != null && lastPrint != 0) {
        err.print("\r\033[K");
        err.flush();
      }
    }
  }
}
