package dev.telltale.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.detect.DetectionJson;
import dev.telltale.evidence.EvidenceKind;
import dev.telltale.forensics.CorpusInputException;
import dev.telltale.forensics.CorpusScan;
import dev.telltale.forensics.DocumentSource;
import dev.telltale.forensics.MalformedLine;
import dev.telltale.forensics.ScanJson;
import dev.telltale.forensics.ScanListener;
import dev.telltale.forensics.ScanResult;
import dev.telltale.key.KeySet;
import dev.telltale.text.Tokenizer;
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
      "input. With --work the scan checkpoints there and a rerun resumes."
    })
final class ScanCommand implements Callable<Integer> {
  @Option(names = "--keys", required = true, description = "Key set file.")
  Path keys;

  @Option(
      names = "--field",
      defaultValue = "text",
      description = "JSONL field holding the text (default ${DEFAULT-VALUE}).")
  String field;

  @Option(names = "--out", description = "Per-document results, one JSON object per line.")
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
      description = "Tokenizer of the generator (default ${DEFAULT-VALUE}).")
  String tokenizer;

  @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files or folders.")
  List<Path> paths;

  @Mixin EvidenceOption evidence;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (!(alpha > 0 && alpha < 1)) {
      throw new BadInputException("--alpha must be in (0, 1), got " + alpha);
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
    KeySet set = KeysCommand.load(keys);
    evidence.checkCanSign(set);
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
    ObjectNode resultJson = ScanJson.of(r);
    if (evidence.requested()) {
      ObjectNode dedup = JsonNodeFactory.instance.objectNode();
      dedup.put("enabled", true);
      dedup.put("scope", "corpus");
      dedup.put("unit", "context window and token");
      evidence.write(
          spec,
          set,
          EvidenceKind.SCAN,
          r.best().scheme(),
          EvidenceOption.fileSubjects(paths),
          set.keys(),
          dedup,
          resultJson);
    }
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

  private static void deleteTree(Path dir) {
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
