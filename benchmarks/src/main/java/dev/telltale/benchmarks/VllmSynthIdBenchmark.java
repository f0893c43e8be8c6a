package dev.telltale.benchmarks;

import dev.telltale.embed.WatermarkSession;
import dev.telltale.embed.Watermarker;
import dev.telltale.key.KeyId;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.VllmDedup;
import dev.telltale.scheme.VllmSynthIdParameters;
import java.time.Instant;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
 * vLLM's SynthID embedding beside vLLM's SBW in the same run: a whole 1,000-token generation over
 * 256 candidates per step (bias, argmax, accept, from a fresh session), SynthID at depth 4 and at
 * vLLM's default 32; per token.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx2g"})
@State(Scope.Thread)
public class VllmSynthIdBenchmark {
  static final int K = 256;
  static final int SETS = 64;
  static final int SEQUENCE = 1000;

  private int[][] cands;
  private float[][] logits;
  private float[] scratch;
  private Watermarker sbw;
  private Watermarker synthId4;
  private Watermarker synthId32;

  static WatermarkKey synthIdKey(int depth) {
    return WatermarkKey.ofVllm(
        KeyId.of("bench-synthid-" + depth),
        new VllmSynthIdParameters(4, VllmDedup.SINGLE_TURN, OptionalInt.of(8192), true, depth),
        0x7e11_7a1e_0000_0044L,
        Instant.EPOCH);
  }

  @Setup
  public void setup() {
    SplittableRandom rnd = new SplittableRandom(7);
    cands = new int[SETS][];
    logits = new float[SETS][];
    for (int s = 0; s < SETS; s++) {
      cands[s] = BenchData.distinctIds(rnd, K, BenchData.CL100K_VOCAB);
      logits[s] = BenchData.gaussianLogits(rnd, K, 3.0);
    }
    scratch = new float[K];
    sbw = Watermarker.of(VllmBenchmark.vllmSbwKey());
    synthId4 = Watermarker.of(synthIdKey(4));
    synthId32 = Watermarker.of(synthIdKey(32));
  }

  private int generate(Watermarker w) {
    WatermarkSession s = w.newSession();
    int last = 0;
    for (int t = 0; t < SEQUENCE; t++) {
      int k = t & (SETS - 1);
      System.arraycopy(logits[k], 0, scratch, 0, K);
      s.bias(scratch, cands[k], K);
      int best = 0;
      for (int i = 1; i < K; i++) {
        if (scratch[i] > scratch[best]) {
          best = i;
        }
      }
      last = cands[k][best];
      s.accept(last);
    }
    return last;
  }

  /** Baseline: vLLM SBW, bias of 256 candidates, argmax, accept. */
  @Benchmark
  @OperationsPerInvocation(SEQUENCE)
  public int embedVllmSbw256() {
    return generate(sbw);
  }

  /** vLLM SynthID at depth 4 (the goldens' depth): reweighting of 256 candidates. */
  @Benchmark
  @OperationsPerInvocation(SEQUENCE)
  public int embedVllmSynthIdDepth4x256() {
    return generate(synthId4);
  }

  /** vLLM SynthID at depth 32 (vLLM's default). */
  @Benchmark
  @OperationsPerInvocation(SEQUENCE)
  public int embedVllmSynthIdDepth32x256() {
    return generate(synthId32);
  }
}
