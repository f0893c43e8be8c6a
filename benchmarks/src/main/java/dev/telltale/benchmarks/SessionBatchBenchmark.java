package dev.telltale.benchmarks;

import dev.telltale.embed.SessionBatch;
import dev.telltale.embed.WatermarkSession;
import dev.telltale.embed.Watermarker;
import java.util.SplittableRandom;
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
 * One decoding step of a batch of 64 sequences through {@link SessionBatch}: bias (kgw) or sample
 * (Gumbel) every row, then accept a token per row. Full vocabulary (V = 100,277, one 64 x V {@code
 * float[]}) and 256 candidates per row; a speculative step accepts 4 draft tokens per row (biasing
 * before each) and rolls 2 back. Baseline: one add-a-constant pass over the same 64 x V logits.
 * Times are per batch step (divide by 64 for per token). The fork runs without the Vector API
 * module (the scalar kernel, what a stack that adds nothing gets); {@code -jvmArgsAppend
 * --add-modules=jdk.incubator.vector} shows the vector one.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Thread)
public class SessionBatchBenchmark {
  static final int ROWS = 64;
  static final int VOCAB = 100_277;
  static final int CANDIDATES = 256;
  private static final int STREAM = 4096;

  private float[] full;
  private int[] fullOffsets;
  private float[] cand;
  private int[] candOffsets;
  private int[] candidates;
  private int[] counts;
  private int[] stream;
  private int step;
  private int[] tokens = new int[ROWS];
  private int[] out = new int[ROWS];
  private SessionBatch kgw;
  private SessionBatch gumbel;
  private WatermarkSession[] kgwAlone;
  private WatermarkSession[] gumbelAlone;
  private float[][] rowLogits;
  private int[][] rowCandidates;
  private final SplittableRandom random = new SplittableRandom(7);
  private float sign = 1f;

  @Setup
  public void setup() {
    SplittableRandom rnd = new SplittableRandom(42);
    full = BenchData.gaussianLogits(rnd, ROWS * VOCAB, 3.0);
    fullOffsets = new int[ROWS];
    cand = BenchData.gaussianLogits(rnd, ROWS * CANDIDATES, 3.0);
    candOffsets = new int[ROWS];
    candidates = new int[ROWS * CANDIDATES];
    counts = new int[ROWS];
    for (int r = 0; r < ROWS; r++) {
      fullOffsets[r] = r * VOCAB;
      candOffsets[r] = r * CANDIDATES;
      counts[r] = CANDIDATES;
    }
    for (int i = 0; i < candidates.length; i++) {
      candidates[i] = rnd.nextInt(VOCAB);
    }
    stream = new int[STREAM];
    for (int i = 0; i < STREAM; i++) {
      stream[i] = rnd.nextInt(VOCAB);
    }
    kgw = batch(Watermarker.of(BenchData.kgwKey()), rnd);
    gumbel = batch(Watermarker.of(BenchData.gumbelKey()), rnd);
    kgwAlone = new WatermarkSession[ROWS];
    gumbelAlone = new WatermarkSession[ROWS];
    rowLogits = new float[ROWS][];
    rowCandidates = new int[ROWS][];
    for (int r = 0; r < ROWS; r++) {
      kgwAlone[r] =
          Watermarker.of(BenchData.kgwKey())
              .newSession(new int[] {rnd.nextInt(VOCAB), rnd.nextInt(VOCAB)}, 0, 2);
      gumbelAlone[r] =
          Watermarker.of(BenchData.gumbelKey())
              .newSession(new int[] {rnd.nextInt(VOCAB), rnd.nextInt(VOCAB)}, 0, 2);
      rowLogits[r] = java.util.Arrays.copyOfRange(cand, r * CANDIDATES, (r + 1) * CANDIDATES);
      rowCandidates[r] =
          java.util.Arrays.copyOfRange(candidates, r * CANDIDATES, (r + 1) * CANDIDATES);
    }
  }

  private static SessionBatch batch(Watermarker w, SplittableRandom rnd) {
    WatermarkSession[] s = new WatermarkSession[ROWS];
    for (int r = 0; r < ROWS; r++) {
      s[r] = w.newSession(new int[] {rnd.nextInt(VOCAB), rnd.nextInt(VOCAB)}, 0, 2);
    }
    return new SessionBatch(s, 4);
  }

  private int[] nextTokens() {
    for (int r = 0; r < ROWS; r++) {
      tokens[r] = stream[step++ & (STREAM - 1)];
    }
    return tokens;
  }

  /** Baseline: one plain pass adding a constant over the 64 x V logits. */
  @Benchmark
  public float[] addConstantFullBatch() {
    final float[] l = full;
    final float d = sign;
    sign = -sign;
    for (int v = 0; v < l.length; v++) {
      l[v] += d;
    }
    return l;
  }

  @Benchmark
  public float[] kgwFullVocab() {
    kgw.bias(full, fullOffsets, ROWS, VOCAB);
    kgw.accept(nextTokens(), ROWS);
    return full;
  }

  @Benchmark
  public float[] kgwCandidates() {
    kgw.bias(cand, candOffsets, candidates, candOffsets, counts, ROWS);
    kgw.accept(nextTokens(), ROWS);
    return cand;
  }

  @Benchmark
  public int[] gumbelCandidates() {
    gumbel.sample(cand, candOffsets, candidates, candOffsets, counts, ROWS, 1.0, random, out);
    gumbel.accept(out, ROWS);
    return out;
  }

  @Benchmark
  public int[] gumbelFullVocab() {
    gumbel.sample(full, fullOffsets, ROWS, VOCAB, 1.0, random, out);
    gumbel.accept(out, ROWS);
    return out;
  }

  /** Same-run baseline: the 64 sessions stepped one by one, each on its own arrays. */
  @Benchmark
  public int[] kgwCandidatesAlone() {
    int[] t = nextTokens();
    for (int r = 0; r < ROWS; r++) {
      kgwAlone[r].bias(rowLogits[r], rowCandidates[r], CANDIDATES);
      kgwAlone[r].accept(t[r]);
    }
    return t;
  }

  /** Same-run baseline: the 64 Gumbel sessions stepped one by one. */
  @Benchmark
  public int[] gumbelCandidatesAlone() {
    for (int r = 0; r < ROWS; r++) {
      int token = gumbelAlone[r].sample(rowLogits[r], rowCandidates[r], CANDIDATES, 1.0, random);
      gumbelAlone[r].accept(token);
      out[r] = token;
    }
    return out;
  }

  /** 4 drafts per row, biased before each, then 2 of them rolled back (candidates). */
  @Benchmark
  public float[] kgwSpeculativeCandidates() {
    for (int d = 0; d < 4; d++) {
      kgw.bias(cand, candOffsets, candidates, candOffsets, counts, ROWS);
      kgw.accept(nextTokens(), ROWS);
    }
    for (int r = 0; r < ROWS; r++) {
      kgw.rollback(r, 2);
      kgw.commit(r);
    }
    return cand;
  }
}
