package dev.telltale.benchmarks;

import dev.telltale.embed.WatermarkSession;
import dev.telltale.embed.Watermarker;
import dev.telltale.key.WatermarkKey;
import dev.telltale.prf.WatermarkPrf;
import dev.telltale.scheme.GreenListParameters;
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
 * Green-list bias over the whole vocabulary ({@link WatermarkSession#bias(float[])}) against two
 * plain passes over the same logits: adding a constant, and the max + softmax normaliser every
 * sampler computes anyway. Each bias call first accepts a new token, so the context seed changes
 * per call as in decoding; {@link #acceptOnly} shows that part alone. {@code acceptAndBias} is a
 * PRF v1 key, {@code v2AcceptAndBias} the same secret under PRF v2 (the default of new keys). The
 * fork adds {@code jdk.incubator.vector}, so each runs the kernel {@code BiasKernels} selects;
 * {@code -jvmArgsAppend -Dtelltale.bias.kernel=scalar} measures the scalar loops.
 *
 * <p>{@link #candidateBranchlessBias} is a prototype, not core code: the same green list applied
 * with a branch-free mask instead of a data-dependent branch (a token is green with probability
 * gamma, so the branch mispredicts often).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class FullVocabularyBiasBenchmark {
  private static final int STREAM = 4096;

  @Param({"100277", "200019"})
  int vocab;

  private float[] logits;
  private int[] stream;
  private int step;
  private WatermarkSession session;
  private WatermarkSession sessionV2;

  // Prototype state: the same PRF, window and threshold the session uses.
  private WatermarkPrf prf;
  private int[] window;
  private long threshold;
  private float delta;
  private float sign = 1f;

  @Setup
  public void setup() {
    SplittableRandom rnd = new SplittableRandom(42);
    logits = BenchData.gaussianLogits(rnd, vocab, 3.0);
    stream = new int[STREAM];
    for (int i = 0; i < STREAM; i++) {
      stream[i] = rnd.nextInt(vocab);
    }
    WatermarkKey key = BenchData.kgwKey();
    session = Watermarker.of(key).newSession(new int[] {17, 4242}, 0, 2);
    sessionV2 = Watermarker.of(BenchData.kgwKey("v2")).newSession(new int[] {17, 4242}, 0, 2);
    prf = WatermarkPrf.of(key);
    GreenListParameters p = (GreenListParameters) key.parameters();
    threshold = p.greenThreshold();
    delta = (float) p.delta();
    window = new int[] {17, 4242};
  }

  private int nextToken() {
    return stream[step++ & (STREAM - 1)];
  }

  /** Baseline (a): one plain pass adding a constant to every logit (sign alternates, no drift). */
  @Benchmark
  public float[] baselineAddConstant() {
    final float[] l = logits;
    final float c = (sign = -sign) * 2f;
    for (int v = 0; v < l.length; v++) {
      l[v] += c;
    }
    return l;
  }

  /** Baseline (b): one pass computing the max and the softmax normaliser (online rescaling). */
  @Benchmark
  public double baselineSoftmaxNormaliser() {
    final float[] l = logits;
    float m = Float.NEGATIVE_INFINITY;
    double z = 0;
    for (int v = 0; v < l.length; v++) {
      float x = l[v];
      if (x > m) {
        z = z * Math.exp(m - x) + 1.0;
        m = x;
      } else {
        z += Math.exp(x - m);
      }
    }
    return m + Math.log(z);
  }

  /** Baseline (b'): the same in the usual two passes, max first, then the sum of exp. */
  @Benchmark
  public double baselineSoftmaxTwoPass() {
    final float[] l = logits;
    float m = Float.NEGATIVE_INFINITY;
    for (int v = 0; v < l.length; v++) {
      m = Math.max(m, l[v]);
    }
    double z = 0;
    for (int v = 0; v < l.length; v++) {
      z += Math.exp(l[v] - m);
    }
    return m + Math.log(z);
  }

  /** Core: accept a new token (new seed), then bias the whole vocabulary in place. */
  @Benchmark
  public float[] acceptAndBias() {
    session.accept(nextToken());
    session.bias(logits);
    return logits;
  }

  /** Core: the context update alone (shift window, SipHash the seed). */
  @Benchmark
  public boolean acceptOnly() {
    session.accept(nextToken());
    return session.watermarking();
  }

  /** Core, PRF v2: accept a new token (SipHash-1-3 seed), then bias the whole vocabulary. */
  @Benchmark
  public float[] v2AcceptAndBias() {
    sessionV2.accept(nextToken());
    sessionV2.bias(logits);
    return logits;
  }

  /** Core, PRF v2: the context update alone. */
  @Benchmark
  public boolean v2AcceptOnly() {
    sessionV2.accept(nextToken());
    return sessionV2.watermarking();
  }
}
