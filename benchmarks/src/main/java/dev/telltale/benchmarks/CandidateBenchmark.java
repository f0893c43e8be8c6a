package dev.telltale.benchmarks;

import dev.telltale.embed.WatermarkSession;
import dev.telltale.embed.Watermarker;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.text.Tokenizers;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-token embedding cost after the stack's top-k cut: 256 candidates (distinct random ids below
 * the cl100k vocabulary, Gaussian logits), in random order or sorted by descending logit (the order
 * top-k returns; the Gumbel sampler prunes candidates that cannot win, which works best when the
 * largest logits come first). Target: under 1 µs per token.
 *
 * <p>The fixed-context methods ({@link #kgwBias}, {@link #gumbelSample}) cycle through 64 candidate
 * sets under one seed, so the branch predictor partly learns the green/prune pattern: they are
 * optimistic. {@link #kgwBiasAndAccept} and {@link #gumbelGenerateSequence} move the context every
 * token and are the per-token figures to quote. {@link #gumbelGenerateSequence} includes the
 * session's construction (its 1024-entry seen-context set) spread over 1000 tokens. The fork adds
 * {@code jdk.incubator.vector}, so a v2 Gumbel key screens with the Vector API kernel.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class CandidateBenchmark {
  static final int K = 256;
  private static final int SETS = 64;

  /** Tokens per generated sequence in {@link #gumbelGenerateSequence}. */
  static final int SEQUENCE = 1000;

  @Param({"random", "sortedDesc"})
  String order;

  /** The Gumbel key's PRF (v2: what new keys get; v1: older key files). KGW stays v1. */
  @Param({"v2", "v1"})
  String prf;

  private int[][] ids;
  private float[][] logits;
  private int step;

  private WatermarkSession kgw;
  private Watermarker gumbelWatermarker;
  private WatermarkSession gumbel;
  private WatermarkSession gumbelRepeated;
  private WatermarkSession gumbelRobust;
  private RandomGenerator rng;

  @Setup
  public void setup() {
    SplittableRandom rnd = new SplittableRandom(7);
    ids = new int[SETS][];
    logits = new float[SETS][];
    for (int s = 0; s < SETS; s++) {
      int[] id = BenchData.distinctIds(rnd, K, BenchData.CL100K_VOCAB);
      float[] l = BenchData.gaussianLogits(rnd, K, 3.0);
      if (order.equals("sortedDesc")) {
        Integer[] perm = IntStream.range(0, K).boxed().toArray(Integer[]::new);
        Arrays.sort(perm, Comparator.comparingDouble(i -> -l[i]));
        int[] id2 = new int[K];
        float[] l2 = new float[K];
        for (int i = 0; i < K; i++) {
          id2[i] = id[perm[i]];
          l2[i] = l[perm[i]];
        }
        id = id2;
        System.arraycopy(l2, 0, l, 0, K);
      }
      ids[s] = id;
      logits[s] = l;
    }
    int[] prompt = {1000, 2000};
    kgw = Watermarker.of(BenchData.kgwKey()).newSession(prompt, 0, 2);
    gumbelWatermarker = Watermarker.of(BenchData.gumbelKey(prf));
    gumbel = gumbelWatermarker.newSession(prompt, 0, 2);
    gumbelRepeated = gumbelWatermarker.newSession(prompt, 0, 2);
    gumbelRepeated.accept(1000);
    gumbelRepeated.accept(2000);
    WatermarkKey g = BenchData.gumbelKey(prf);
    WatermarkKey robust =
        WatermarkKey.of(
            g.id(),
            ((GumbelParameters) g.parameters()).withRobustContext(true),
            g.secret(),
            g.created(),
            g.prf());
    gumbelRobust = Watermarker.of(robust, Tokenizers.cl100kBase()).newSession(prompt, 0, 2);
    if (!gumbel.watermarking() || gumbelRepeated.watermarking() || !gumbelRobust.watermarking()) {
      throw new AssertionError("unexpected session state");
    }
    rng = new SplittableRandom(99);
  }

  /** KGW: bias the 256 candidate logits in place (fixed context). */
  @Benchmark
  public float[] kgwBias() {
    int k = step++ & (SETS - 1);
    kgw.bias(logits[k], ids[k], K);
    return logits[k];
  }

  /** KGW: bias, then accept one of the candidates (the context moves on every token). */
  @Benchmark
  public float[] kgwBiasAndAccept() {
    int s = step++;
    int k = s & (SETS - 1);
    kgw.bias(logits[k], ids[k], K);
    kgw.accept(ids[k][(s >>> 6) & (K - 1)]);
    return logits[k];
  }

  /** Gumbel: keyed argmax over the candidates (fixed, unseen context: the watermarking path). */
  @Benchmark
  public int gumbelSample() {
    int k = step++ & (SETS - 1);
    return gumbel.sample(logits[k], ids[k], K, 1.0, rng);
  }

  /**
   * Gumbel with robust contexts (same key otherwise): the softmax mass of the skipped candidates
   * (those of the 256 random cl100k ids with no letter or digit), one plain draw, then the keyed
   * argmax over the kept candidates (fixed, unseen context). Beside {@link #gumbelSample}.
   */
  @Benchmark
  public int gumbelRobustSample() {
    int k = step++ & (SETS - 1);
    return gumbelRobust.sample(logits[k], ids[k], K, 1.0, rng);
  }

  /**
   * Gumbel: a repeated context falls back to ordinary sampling with the caller's generator (two exp
   * passes); shown for reference.
   */
  @Benchmark
  public int gumbelSampleRepeatedContext() {
    int k = step++ & (SETS - 1);
    return gumbelRepeated.sample(logits[k], ids[k], K, 1.0, rng);
  }

  /**
   * Gumbel: a whole {@value #SEQUENCE}-token generation, sample then accept the sampled token, from
   * a fresh session (so contexts are new and the seen-context set grows as in real decoding).
   * Reported per token; includes the session's construction amortised over the sequence.
   */
  @Benchmark
  @OperationsPerInvocation(SEQUENCE)
  public int gumbelGenerateSequence() {
    int s = step++;
    WatermarkSession session = gumbelWatermarker.newSession(new int[] {s, s + 1}, 0, 2);
    int token = 0;
    for (int i = 0; i < SEQUENCE; i++) {
      int k = (s + i) & (SETS - 1);
      token = session.sample(logits[k], ids[k], K, 1.0, rng);
      session.accept(token);
    }
    return token;
  }
}
