package dev.telltale.benchmarks;

import dev.telltale.embed.WatermarkSession;
import dev.telltale.embed.Watermarker;
import dev.telltale.prf.WatermarkPrf;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
 * Where a Gumbel token over 256 candidates spends its time: the whole sample + accept of a
 * 1000-token generation against its parts measured alone in the same run (the max pass over the
 * logits, the PRF bits of every candidate (v1: SplitMix64, v2: two 32-bit mixes), the Gumbel value
 * {@code -ln(-ln r)} of every candidate, and accept alone, i.e. the SipHash context seed plus the
 * seen-context set), for the key's PRF ({@code prf}). The fork adds {@code jdk.incubator.vector},
 * so a v2 key screens with the Vector API kernel.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class GumbelCostBenchmark {
  static final int K = 256;
  static final int SETS = 64;
  static final int SEQUENCE = 1000;

  private int[][] ids;
  private float[][] logits;
  private int step;

  /** The Gumbel key's PRF: v2 (new keys) or v1 (older key files). */
  @Param({"v2", "v1"})
  String prf;

  private Watermarker watermarker;
  private final SplittableRandom rng = new SplittableRandom(99);

  @Setup
  public void setup() {
    SplittableRandom rnd = new SplittableRandom(7);
    ids = new int[SETS][];
    logits = new float[SETS][];
    for (int s = 0; s < SETS; s++) {
      ids[s] = BenchData.distinctIds(rnd, K, BenchData.CL100K_VOCAB);
      logits[s] = BenchData.gaussianLogits(rnd, K, 3.0);
    }
    watermarker = Watermarker.of(BenchData.gumbelKey(prf));
  }

  /** The whole thing: sample then accept, 1000-token sequences from fresh sessions. */
  @Benchmark
  @OperationsPerInvocation(SEQUENCE)
  public int sampleAndAccept() {
    int s = step++;
    WatermarkSession session = watermarker.newSession(new int[] {s, s + 1}, 0, 2);
    int token = 0;
    for (int i = 0; i < SEQUENCE; i++) {
      int k = (s + i) & (SETS - 1);
      token = session.sample(logits[k], ids[k], K, 1.0, rng);
      session.accept(token);
    }
    return token;
  }

  /**
   * Sample alone with a new context every step: one session per 1000-token sequence as above, but
   * the contexts are accepted from a fixed id walk, so every step watermarks unless the walk
   * repeats a context (it does not within a sequence); includes accept.
   */
  @Benchmark
  @OperationsPerInvocation(SEQUENCE)
  public int sampleFreshContexts() {
    int s = step++;
    WatermarkSession session = watermarker.newSession(new int[] {s, s + 1}, 0, 2);
    int token = 0;
    for (int i = 0; i < SEQUENCE; i++) {
      int k = (s + i) & (SETS - 1);
      token += session.sample(logits[k], ids[k], K, 1.0, rng);
      session.accept(s * SEQUENCE + i);
    }
    return token;
  }

  /** Accept alone (SipHash of the context, seen-context set), same sequences. */
  @Benchmark
  @OperationsPerInvocation(SEQUENCE)
  public int acceptOnly() {
    int s = step++;
    WatermarkSession session = watermarker.newSession(new int[] {s, s + 1}, 0, 2);
    int token = 0;
    for (int i = 0; i < SEQUENCE; i++) {
      int k = (s + i) & (SETS - 1);
      token = ids[k][(s + i) & (K - 1)];
      session.accept(token);
    }
    return token;
  }

  /** The max pass over 256 logits (the first loop of the sampler). */
  @Benchmark
  public float maxPass() {
    float[] l = logits[step++ & (SETS - 1)];
    float m = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < K; i++) {
      m = Math.max(m, l[i]);
    }
    return m;
  }

  /** The key's PRF bits of all 256 candidates, 64 each (the loop path pays all of them). */
  @Benchmark
  public long bitsPass() {
    int k = step++;
    int[] id = ids[k & (SETS - 1)];
    long seed = k * WatermarkPrf.GOLDEN;
    long acc = 0;
    if (prf.equals("v2")) {
      for (int i = 0; i < K; i++) {
        acc ^= WatermarkPrf.bitsV2(seed, id[i]);
      }
      return acc;
    }
    for (int i = 0; i < K; i++) {
      acc ^= WatermarkPrf.bits(seed, id[i]);
    }
    return acc;
  }

  /** {@code -ln(-ln r)} of all 256 candidates (the pruning bound spares most of these). */
  @Benchmark
  public double gumbelValuesPass() {
    int k = step++;
    int[] id = ids[k & (SETS - 1)];
    long seed = k * WatermarkPrf.GOLDEN;
    double best = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < K; i++) {
      best = Math.max(best, -Math.log(WatermarkPrf.negLnUniform(WatermarkPrf.bits(seed, id[i]))));
    }
    return best;
  }
}
