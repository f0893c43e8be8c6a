package dev.telltale.benchmarks;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.telltale.detect.DetectionPolicy;
import dev.telltale.detect.Detector;
import dev.telltale.text.Tokenizer;
import dev.telltale.text.hf.HfTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Text detection with a real model tokenizer (Llama 3's tokenizer.json, pure Java) against the
 * baseline of jtokkit's cl100k_base {@code encodeOrdinary} of the same English text (target:
 * detection at least 0.8x the baseline's throughput), and loading Gemma 3's 262k-token
 * tokenizer.json (target: at most 1 s). The files come from the build
 * (benchmarks/target/tokenizers, or {@code -Dtelltale.tokenizers=DIR}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ModelTokenizerBenchmark {
  static final int TEXT_CHARS = 75_000;

  private String text;
  private Encoding cl100k;
  private Tokenizer llama3;
  private Detector llama3Detector;

  static Path tokenizerFile(String name) {
    String dir = System.getProperty("telltale.tokenizers");
    Path base =
        dir != null
            ? Path.of(dir)
            : Files.isDirectory(Path.of("benchmarks", "target", "tokenizers"))
                ? Path.of("benchmarks", "target", "tokenizers")
                : Path.of("target", "tokenizers");
    return base.resolve(name).resolve("package/models/tokenizer.json");
  }

  @Setup
  public void setup() throws IOException {
    text = BenchData.englishText(TEXT_CHARS);
    cl100k = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
    llama3 = HfTokenizer.load("llama3", tokenizerFile("llama3"));
    llama3Detector = Detector.of(BenchData.kgwKey(), llama3, DetectionPolicy.defaults());
    System.out.printf(
        "%n[text] %d chars, %d UTF-8 bytes, %d cl100k tokens, %d llama3 tokens%n",
        text.length(),
        text.getBytes(StandardCharsets.UTF_8).length,
        cl100k.countTokensOrdinary(text),
        llama3.encode(text).length);
  }

  /** Baseline: jtokkit's cl100k_base alone. */
  @Benchmark
  public int cl100kEncodeOrdinary() {
    return cl100k.encodeOrdinary(text).size();
  }

  /** Llama 3's tokenizer alone. */
  @Benchmark
  public int llama3Encode() {
    return llama3.encode(text).length;
  }

  /** Detection from text with Llama 3: normalise, tokenize, score, exact p-value. */
  @Benchmark
  public Object llama3DetectText() {
    return llama3Detector.detectText(text);
  }

  /** Loading Gemma 3's tokenizer.json (262,145 ids, 514,906 merges), uncached. */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 2)
  @Measurement(iterations = 5)
  public Object loadGemma3() throws IOException {
    return HfTokenizer.load("gemma3", tokenizerFile("gemma3"));
  }
}
