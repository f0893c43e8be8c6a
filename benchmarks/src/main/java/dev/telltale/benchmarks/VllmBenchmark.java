package dev.telltale.benchmarks;

import dev.telltale.detect.ExactTape;
import dev.telltale.detect.ScoreAccumulator;
import dev.telltale.detect.TupleScorer;
import dev.telltale.embed.WatermarkSession;
import dev.telltale.embed.Watermarker;
import dev.telltale.key.KeyId;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.VllmDedup;
import dev.telltale.scheme.VllmDualKeyGumbelParameters;
import dev.telltale.scheme.VllmGumbelParameters;
import dev.telltale.scheme.VllmSbwParameters;
import java.time.Instant;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * vLLM's schemes on Telltale's hot paths, each beside Telltale's own scheme in the same run:
 * scoring 1 M Zipf ids in one pass, and a 10k-token text whose tables fit in the caches (tokens/s:
 * vLLM Gumbel's Philox4x32-10 against Telltale Gumbel's SipHash + SplitMix), and embedding over 256
 * candidates (tokens/s of a whole 1,000-token generation, sample or bias then accept, from a fresh
 * session). Telltale's Gumbel is measured with PRF v1 and v2 keys. The fork adds {@code
 * jdk.incubator.vector}, so vLLM scoring's Philox blocks run in Vector API lanes once the JVM has
 * scored a million tokens and a background warm-up has compiled them (well within the first warmup
 * iteration); {@code -jvmArgsAppend -Dtelltale.philox.kernel=scalar} measures the scalar chains.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx2g", "--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class VllmBenchmark {
  static final int N = 1_000_000;
  static final int K = 256;
  static final int SETS = 64;
  static final int SEQUENCE = 1000;
  static final int TEXT = 10_000;

  private int[] ids;
  private TupleScorer telltaleGumbel;
  private TupleScorer telltaleGumbelV2;
  private TupleScorer vllmGumbel;
  private ExactTape tape;
  private ExactTape textTape;
  private final ScoreAccumulator acc = new ScoreAccumulator();
  private int[][] cands;
  private float[][] logits;
  private float[] scratch;
  private Watermarker telltaleGumbelW;
  private Watermarker vllmGumbelW;
  private Watermarker vllmDualKeyGumbelW;
  private Watermarker vllmSbwW;
  private RandomGenerator rng;

  static WatermarkKey vllmGumbelKey() {
    return WatermarkKey.ofVllm(
        KeyId.of("bench-vllm"),
        new VllmGumbelParameters(4, VllmDedup.SINGLE_TURN, OptionalInt.of(8192), true),
        0x7e11_7a1e_0000_0042L,
        Instant.EPOCH);
  }

  static WatermarkKey vllmDualKeyGumbelKey() {
    return WatermarkKey.ofVllm(
        KeyId.of("bench-vllm-dual"),
        new VllmDualKeyGumbelParameters(
            4, VllmDedup.SINGLE_TURN, OptionalInt.of(8192), true, 0.5, 0.5),
        0x7e11_7a1e_0000_0044L,
        Instant.EPOCH);
  }

  static WatermarkKey vllmSbwKey() {
    return WatermarkKey.ofVllm(
        KeyId.of("bench-sbw"),
        new VllmSbwParameters(4, VllmDedup.SINGLE_TURN, OptionalInt.of(8192), true, 0.5, 2.0),
        0x7e11_7a1e_0000_0043L,
        Instant.EPOCH);
  }

  @Setup
  public void setup() {
    ids = BenchData.zipfIds(N, BenchData.CL100K_VOCAB, 11);
    telltaleGumbel = TupleScorer.of(BenchData.gumbelKey());
    telltaleGumbelV2 = TupleScorer.of(BenchData.gumbelKey("v2"));
    vllmGumbel = TupleScorer.of(vllmGumbelKey());
    tape = new ExactTape(N);
    textTape = new ExactTape(TEXT);
    SplittableRandom rnd = new SplittableRandom(7);
    cands = new int[SETS][];
    logits = new float[SETS][];
    for (int s = 0; s < SETS; s++) {
      cands[s] = BenchData.distinctIds(rnd, K, BenchData.CL100K_VOCAB);
      logits[s] = BenchData.gaussianLogits(rnd, K, 3.0);
    }
    scratch = new float[K];
    telltaleGumbelW = Watermarker.of(BenchData.gumbelKey());
    vllmGumbelW = Watermarker.of(vllmGumbelKey());
    vllmDualKeyGumbelW = Watermarker.of(vllmDualKeyGumbelKey());
    vllmSbwW = Watermarker.of(vllmSbwKey());
    rng = new SplittableRandom(99);
  }

  private long score(TupleScorer s) {
    tape.clear();
    acc.reset();
    s.score(ids, 0, N, tape, acc, null);
    return acc.scored();
  }

  /** Baseline: Telltale's Gumbel scoring 1 M ids (context width 2). */
  @Benchmark
  @OperationsPerInvocation(N)
  public long scoreTelltaleGumbel() {
    return score(telltaleGumbel);
  }

  /** Baseline: Telltale's Gumbel, PRF v2, scoring 1 M ids (context width 2). */
  @Benchmark
  @OperationsPerInvocation(N)
  public long scoreTelltaleGumbelV2() {
    return score(telltaleGumbelV2);
  }

  /** vLLM Gumbel scoring 1 M ids (context width 4, vLLM's context dedup). */
  @Benchmark
  @OperationsPerInvocation(N)
  public long scoreVllmGumbel() {
    return score(vllmGumbel);
  }

  private long scoreText(TupleScorer s) {
    textTape.clear();
    acc.reset();
    s.score(ids, 0, TEXT, textTape, acc, null);
    return acc.scored();
  }

  /** Baseline: Telltale's Gumbel scoring a 10k-token text (its tape fits in the caches). */
  @Benchmark
  @OperationsPerInvocation(TEXT)
  public long scoreTextTelltaleGumbel() {
    return scoreText(telltaleGumbel);
  }

  /** Baseline: Telltale's Gumbel, PRF v2, scoring a 10k-token text. */
  @Benchmark
  @OperationsPerInvocation(TEXT)
  public long scoreTextTelltaleGumbelV2() {
    return scoreText(telltaleGumbelV2);
  }

  /** vLLM Gumbel scoring a 10k-token text (context width 4, vLLM's context dedup). */
  @Benchmark
  @OperationsPerInvocation(TEXT)
  public long scoreTextVllmGumbel() {
    return scoreText(vllmGumbel);
  }

  private int generate(Watermarker w, boolean bias) {
    WatermarkSession s = w.newSession();
    int last = 0;
    for (int t = 0; t < SEQUENCE; t++) {
      int k = t & (SETS - 1);
      int token;
      if (bias) {
        System.arraycopy(logits[k], 0, scratch, 0, K);
        s.bias(scratch, cands[k], K);
        token = cands[k][argmax(scratch)];
      } else {
        token = s.sample(logits[k], cands[k], K, 1.0, rng);
      }
      s.accept(token);
      last = token;
    }
    return last;
  }

  private static int argmax(float[] l) {
    int best = 0;
    for (int i = 1; i < l.length; i++) {
      if (l[i] > l[best]) {
        best = i;
      }
    }
    return best;
  }

  /** Baseline: Telltale Gumbel, 1,000 tokens over 256 candidates each (per token). */
  @Benchmark
  @OperationsPerInvocation(SEQUENCE)
  public int embedTelltaleGumbel256() {
    return generate(telltaleGumbelW, false);
  }

  /** vLLM Gumbel: float32 Gumbel noise argmax over 256 candidates, then accept (per token). */
  @Benchmark
  @OperationsPerInvocation(SEQUENCE)
  public int embedVllmGumbel256() {
    return generate(vllmGumbelW, false);
  }

  /** vLLM dual-key Gumbel (alpha 0.5: half the steps under each key), then accept (per token). */
  @Benchmark
  @OperationsPerInvocation(SEQUENCE)
  public int embedVllmDualKeyGumbel256() {
    return generate(vllmDualKeyGumbelW, false);
  }

  /** vLLM SBW: min-hash seed and green test of 256 candidates, bias, argmax, accept. */
  @Benchmark
  @OperationsPerInvocation(SEQUENCE)
  public int embedVllmSbw256() {
    return generate(vllmSbwW, true);
  }
}
