package dev.telltale.benchmarks;

import dev.telltale.embed.BiasKernels;
import dev.telltale.prf.WatermarkPrf;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.PrfVersion;
import java.util.SplittableRandom;
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
 * The full-vocabulary green-list kernels of PRF v1 (64-bit lanes) and v2 (32-bit lanes), each as
 * the scalar loop and the Vector API one, beside one plain add-a-constant pass over the same
 * logits, in the same run. The context seed changes per call as it does per token. The fork adds
 * {@code jdk.incubator.vector} so every kernel is available.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class BiasKernelBenchmark {
  @Param({"100277", "200019"})
  int vocab;

  private float[] logits;
  private long threshold;
  private float delta;
  private long seed;
  private float sign = 1f;

  @Setup
  public void setup() {
    if (!BiasKernels.vectorAvailable()) {
      throw new IllegalStateException("run with --add-modules jdk.incubator.vector");
    }
    logits = BenchData.gaussianLogits(new SplittableRandom(42), vocab, 3.0);
    GreenListParameters p = (GreenListParameters) BenchData.kgwKey().parameters();
    threshold = p.greenThreshold();
    delta = (float) p.delta();
  }

  private long nextSeed() {
    seed += WatermarkPrf.GOLDEN;
    return seed;
  }

  /** One plain pass adding a constant (sign alternates, no drift). */
  @Benchmark
  public float[] addConstant() {
    final float[] l = logits;
    final float d = sign;
    sign = -sign;
    for (int v = 0; v < l.length; v++) {
      l[v] += d;
    }
    return l;
  }

  @Benchmark
  public float[] scalarKernel() {
    BiasKernels.greenBiasScalar(logits, 0, vocab, nextSeed(), threshold, delta);
    delta = -delta;
    return logits;
  }

  @Benchmark
  public float[] vectorKernel() {
    BiasKernels.greenBiasVector(logits, 0, vocab, nextSeed(), threshold, delta);
    delta = -delta;
    return logits;
  }

  @Benchmark
  public float[] v2ScalarKernel() {
    BiasKernels.greenBiasScalar(PrfVersion.V2, logits, 0, vocab, nextSeed(), threshold, delta);
    delta = -delta;
    return logits;
  }

  @Benchmark
  public float[] v2VectorKernel() {
    BiasKernels.greenBiasVector(PrfVersion.V2, logits, 0, vocab, nextSeed(), threshold, delta);
    delta = -delta;
    return logits;
  }
}
