package dev.telltale.benchmarks;

import dev.telltale.detect.ExactTape;
import dev.telltale.detect.ScoreAccumulator;
import dev.telltale.detect.TupleScorer;
import dev.telltale.key.WatermarkKey;
import dev.telltale.prf.WatermarkPrf;
import dev.telltale.text.Tokenizers;
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
 * Detection's per-token loop, {@link TupleScorer#score}, over pre-tokenized ids with an exact tape
 * cleared before each pass. Scores are operations (tokens) per second; target 50 M tokens/s per
 * core. The {@code split*} methods time the parts of the per-token cost alone: the context seed
 * (SipHash-2-4 in PRF v1, SipHash-1-3 in v2), the per-token bits, the tape insert and the tape
 * clear. {@code prf} picks the key's PRF version (same secret); v2 is the default of new keys.
 *
 * <p>Ids: {@code zipf} draws them from a Zipf(1) law over the cl100k vocabulary; {@code europarl}
 * is the cl100k encoding of the English Europarl sample, repeated to 1 M ids with every repetition
 * shifted by a different id offset, so that tuples are real-text-like but mostly distinct.
 *
 * <p>{@code candidate*} methods are prototypes, not core code, checked at setup to give the same
 * totals as the core loop: {@code Blocked} computes the fingerprints of 256 positions into a
 * scratch buffer before inserting them into the tape, so the tape's cache misses overlap instead of
 * queueing behind the hash of each position; {@code PairSip} is SipHash-2-4 unrolled for a context
 * of exactly two tokens (same output as {@link WatermarkPrf#contextSeed}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx2g"})
@State(Scope.Thread)
public class ScoringBenchmark {
  static final int N = 1_000_000;
  static final int SHORT = 10_000;

  @Param({"zipf", "europarl"})
  String source;

  @Param({"v1", "v2"})
  String prf;

  private int[] ids;
  private long[] seeds;
  private long[] fingerprints;
  private TupleScorer scorer;
  private WatermarkPrf wprf;
  private ExactTape tape;
  private ExactTape shortTape;
  private final ScoreAccumulator acc = new ScoreAccumulator();
  private int slice;

  @Setup
  public void setup() {
    ids = source.equals("zipf") ? BenchData.zipfIds(N, BenchData.CL100K_VOCAB, 11) : europarlIds();
    WatermarkKey key = BenchData.kgwKey(prf);
    scorer = TupleScorer.of(key);
    wprf = WatermarkPrf.of(key);
    int h = key.parameters().contextWidth();
    seeds = new long[N];
    fingerprints = new long[N];
    for (int i = h; i < N; i++) {
      seeds[i] = wprf.contextSeed(ids, i);
      fingerprints[i] = wprf.tokenBits(seeds[i], ids[i]);
    }
    tape = new ExactTape(N);
    shortTape = new ExactTape(SHORT);
    scorer.score(ids, 0, N, tape, acc, null);
    System.out.printf(
        "%n[%s, prf %s] %d positions, %d distinct tuples (%.1f%% duplicates), %d green%n",
        source,
        prf,
        acc.positions(),
        acc.scored(),
        100.0 * acc.duplicates() / acc.positions(),
        acc.green());
  }

  private static int[] europarlIds() {
    int[] text = Tokenizers.cl100kBase().encode(BenchData.englishText(Integer.MAX_VALUE));
    int vocab = BenchData.CL100K_VOCAB;
    int[] out = new int[N];
    for (int i = 0; i < N; i++) {
      int rep = i / text.length;
      out[i] = (int) ((text[i % text.length] + rep * 7919L) % vocab);
    }
    return out;
  }

  /** The whole pass over 1 M ids: clear the tape, then score. */
  @Benchmark
  @OperationsPerInvocation(N)
  public long score1M() {
    tape.clear();
    acc.reset();
    scorer.score(ids, 0, N, tape, acc, null);
    return acc.scored();
  }

  /** Short texts: a 10k-token slice with a tape sized for 10k tuples. */
  @Benchmark
  @OperationsPerInvocation(SHORT)
  public long score10k() {
    int off = (slice++ % (N / SHORT)) * SHORT;
    shortTape.clear();
    acc.reset();
    scorer.score(ids, off, SHORT, shortTape, acc, null);
    return acc.scored();
  }

  /** Split: the context seed alone (SipHash-2-4 in v1, SipHash-1-3 in v2). */
  @Benchmark
  @OperationsPerInvocation(N)
  public long splitSipHashSeed() {
    long x = 0;
    final WatermarkPrf p = wprf;
    for (int i = 2; i < N; i++) {
      x ^= p.contextSeed(ids, i);
    }
    return x;
  }

  /** Split: the per-token bits alone (seeds precomputed; SplitMix64 in v1, two mixes in v2). */
  @Benchmark
  @OperationsPerInvocation(N)
  public long splitFmix() {
    long x = 0;
    final long[] s = seeds;
    final int[] t = ids;
    final WatermarkPrf p = wprf;
    for (int i = 2; i < N; i++) {
      x ^= p.tokenBits(s[i], t[i]);
    }
    return x;
  }

  /** Split: clearing the 1 M tape plus inserting every (precomputed) fingerprint. */
  @Benchmark
  @OperationsPerInvocation(N)
  public long splitTape1M() {
    tape.clear();
    long c = 0;
    final long[] f = fingerprints;
    for (int i = 2; i < N; i++) {
      c += tape.firstSeen(f[i]) ? 1 : 0;
    }
    return c;
  }

  /** Split: clearing the 1 M tape alone (per token of the 1 M pass). */
  @Benchmark
  @OperationsPerInvocation(N)
  public int splitTapeClear1M() {
    tape.clear();
    return tape.size();
  }

  /** Split: the 10k tape, clear plus inserts. */
  @Benchmark
  @OperationsPerInvocation(SHORT)
  public long splitTape10k() {
    int off = (slice++ % (N / SHORT)) * SHORT;
    shortTape.clear();
    long c = 0;
    final long[] f = fingerprints;
    for (int i = off + 2; i < off + SHORT; i++) {
      c += shortTape.firstSeen(f[i]) ? 1 : 0;
    }
    return c;
  }
}
