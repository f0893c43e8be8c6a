package dev.telltale.benchmarks;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.telltale.detect.DetectionPolicy;
import dev.telltale.detect.Detector;
import dev.telltale.detect.FormTokens;
import dev.telltale.text.Deadline;
import dev.telltale.text.SafeSplits;
import dev.telltale.text.TextNormalizer;
import dev.telltale.text.Tokenizer;
import dev.telltale.text.Tokenizers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * End-to-end detection of real English text ({@link Detector#detectText}: the normal forms,
 * tokenised with shared pieces, scored with shared fingerprints, exact tail) against jtokkit's own
 * {@code encodeOrdinary} of the same text (the reference cl100k_base encoder in Java). Target:
 * detection at least 0.8x the tokenizer's throughput. {@code telltaleEncode} is Telltale's own
 * encoder of the same ranks, which detection uses: detection over it is what the rest of detection
 * costs beyond one tokenisation. The text is about 75 KB of English Europarl documents; its UTF-8
 * size and token count are printed at setup, so µs/op converts to MB/s and tokens/s.
 *
 * <p>{@code detectTextWithDeadline} and {@code tokenizerEncodeWithDeadline} are what the service
 * runs: the text tokenised in chunks of about 8,000 characters cut at {@link SafeSplits} places,
 * with a thread-CPU {@link Deadline} checked between chunks; beside {@code detectText} and {@code
 * tokenizerEncodeOrdinary} (the whole text at once) they show what the chunking costs.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class TextDetectionBenchmark {
  static final int TEXT_CHARS = 75_000;

  /** The key's PRF: v2 is new keys' default, v1 older keys'. */
  @Param({"v1", "v2"})
  public String prf = "v1";

  private String text;
  private int[] ids;
  private Detector detector;
  private Encoding encoding;
  private Tokenizer tokenizer;
  private Deadline deadline;
  private List<FormTokens> forms;

  @Setup
  public void setup() {
    text = BenchData.englishText(TEXT_CHARS);
    detector =
        Detector.of(BenchData.kgwKey(prf), Tokenizers.cl100kBase(), DetectionPolicy.defaults());
    tokenizer = Tokenizers.cl100kBase();
    // Thread-scoped state is set up on the thread that measures it, whose CPU time this counts.
    deadline = Deadline.threadCpu(Duration.ofDays(1));
    encoding = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
    ids = encoding.encodeOrdinary(text).toArray();
    forms = FormTokens.encode(tokenizer, text, FormTokens.DEFAULT_FAMILY);
    System.out.printf(
        "%n[text] %d chars, %d UTF-8 bytes, %d cl100k tokens%n",
        text.length(), text.getBytes(StandardCharsets.UTF_8).length, ids.length);
  }

  /** Baseline: jtokkit alone. */
  @Benchmark
  public int tokenizerEncodeOrdinary() {
    return encoding.encodeOrdinary(text).size();
  }

  /**
   * Telltale's own cl100k_base encoder ({@code Tokenizers.cl100kBase()}, the same ids as jtokkit),
   * whole text: what detection tokenises with.
   */
  @Benchmark
  public int telltaleEncode() {
    return tokenizer.encode(text).length;
  }

  /** Telltale's encoder in chunks cut at safe places, checking a thread-CPU deadline. */
  @Benchmark
  public int tokenizerEncodeWithDeadline() {
    return tokenizer.encode(text, deadline).length;
  }

  /** Detection from text with a deadline, in chunks: what the service runs. */
  @Benchmark
  public Object detectTextWithDeadline() {
    return detector.detectText(text, deadline);
  }

  /** Detection from text: normalise, tokenize, score with a fresh exact tape, exact p-value. */
  @Benchmark
  public Object detectText() {
    return detector.detectText(text);
  }

  /**
   * Thread CPU time per operation of the whole-text and chunked variants, run in alternating order
   * ({@code java -cp benchmarks.jar dev.telltale.benchmarks.TextDetectionBenchmark [reps]}): on a
   * loaded machine, where JMH's wall-clock scores swing by tens of percent, CPU time still resolves
   * a few percent.
   */
  public static void main(String[] args) {
    int reps = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    TextDetectionBenchmark b = new TextDetectionBenchmark();
    b.setup();
    java.lang.management.ThreadMXBean threads =
        java.lang.management.ManagementFactory.getThreadMXBean();
    String[] names = {
      "tokenizerEncodeOrdinary",
      "tokenizerEncodeWithDeadline",
      "detectText",
      "detectTextWithDeadline",
      "telltaleEncode"
    };
    java.util.List<java.util.function.Supplier<Object>> ops =
        java.util.List.of(
            b::tokenizerEncodeOrdinary,
            b::tokenizerEncodeWithDeadline,
            b::detectText,
            b::detectTextWithDeadline,
            b::telltaleEncode);
    long[] nanos = new long[ops.size()];
    for (int round = 0; round < 2; round++) { // the first round warms up
      java.util.Arrays.fill(nanos, 0);
      for (int i = 0; i < reps; i++) {
        for (int k = 0; k < ops.size(); k++) {
          int j = (i & 1) == 0 ? k : ops.size() - 1 - k;
          long c0 = threads.getCurrentThreadCpuTime();
          ops.get(j).get();
          nanos[j] += threads.getCurrentThreadCpuTime() - c0;
        }
      }
    }
    for (int j = 0; j < ops.size(); j++) {
      System.out.printf("%-28s %8.0f µs CPU/op%n", names[j], nanos[j] / 1e3 / reps);
    }
    System.out.printf(
        "chunked/whole CPU time: Telltale's encode %.3f, detectText %.3f; detectText/jtokkit's"
            + " encode %.3f, detectText/Telltale's encode %.3f (load average %s)%n",
        (double) nanos[1] / nanos[4],
        (double) nanos[3] / nanos[2],
        (double) nanos[2] / nanos[0],
        (double) nanos[2] / nanos[4],
        loadAverage());
  }

  private static String loadAverage() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /** Part of detectText: the normaliser alone. */
  @Benchmark
  public String partNormalize() {
    return TextNormalizer.normalize(text);
  }

  /**
   * Part of detectText: the normal forms' ids (normalised together, the first form tokenised in
   * pieces, the others re-tokenised only where they differ from it), no scoring.
   */
  @Benchmark
  public Object partFormsEncode() {
    return FormTokens.encode(tokenizer, text, FormTokens.DEFAULT_FAMILY);
  }

  /** Part of detectText: scoring the forms' ids (shared fingerprints, one tape), no tokenizer. */
  @Benchmark
  public Object partDetectForms() {
    return detector.detectForms(forms);
  }

  /** Part of detectText: detection from ids (fresh tape, scoring, tail), no tokenizer. */
  @Benchmark
  public Object partDetectTokens() {
    return detector.detectTokens(ids, 0, ids.length);
  }
}
