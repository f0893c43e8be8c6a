package dev.telltale.benchmarks;

import dev.telltale.detect.ExactTape;
import dev.telltale.detect.ScoreAccumulator;
import dev.telltale.detect.TupleScorer;
import dev.telltale.key.KeyPurpose;
import dev.telltale.key.SecretAccess;
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
 * core. The {@code split*} methods time the parts of the per-token cost alone: the SipHash context
 * seed, the fmix per-token bits, the tape insert and the tape clear.
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

  private int[] ids;
  private long[] seeds;
  private long[] fingerprints;
  private TupleScorer scorer;
  private WatermarkPrf prf;
  private ExactTape tape;
  private ExactTape shortTape;
  private final ScoreAccumulator acc = new ScoreAccumulator();
  private int slice;

  // Prototype state.
  private static final int BLOCK = 256;
  private final long[] block = new long[BLOCK];
  private long k0;
  private long k1;
  private long threshold;
  private final long[] totals = new long[3];

  @Setup
  public void setup() {
    ids = source.equals("zipf") ? BenchData.zipfIds(N, BenchData.CL100K_VOCAB, 11) : europarlIds();
    WatermarkKey key = BenchData.kgwKey();
    scorer = TupleScorer.of(key);
    prf = WatermarkPrf.of(key);
    int h = key.parameters().contextWidth();
    seeds = new long[N];
    fingerprints = new long[N];
    for (int i = h; i < N; i++) {
      seeds[i] = prf.contextSeed(ids, i);
      fingerprints[i] = WatermarkPrf.bits(seeds[i], ids[i]);
    }
    byte[] sub = key.subkey(KeyPurpose.CONTEXT_SEED, SecretAccess.get());
    k0 = le64(sub, 0);
    k1 = le64(sub, 8);
    threshold = prf.greenThreshold();
    for (int i = h; i < N; i++) {
      if (pairSip(k0, k1, ids[i - 2], ids[i - 1]) != seeds[i]) {
        throw new AssertionError("pairSip disagrees with WatermarkPrf.contextSeed at " + i);
      }
    }
    tape = new ExactTape(N);
    shortTape = new ExactTape(SHORT);
    scorer.score(ids, 0, N, tape, acc, null);
    System.out.printf(
        "%n[%s] %d positions, %d distinct tuples (%.1f%% duplicates), %d green%n",
        source,
        acc.positions(),
        acc.scored(),
        100.0 * acc.duplicates() / acc.positions(),
        acc.green());
    candidateBlocked1M();
    long[] blocked = totals.clone();
    candidateBlockedPairSip1M();
    if (blocked[0] != acc.scored()
        || blocked[1] != acc.green()
        || totals[0] != acc.scored()
        || totals[1] != acc.green()) {
      throw new AssertionError("candidate totals disagree with TupleScorer");
    }
  }

  private static long le64(byte[] b, int off) {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (b[off + i] & 0xffL);
    }
    return v;
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

  /** Split: the SipHash-2-4 context seed alone. */
  @Benchmark
  @OperationsPerInvocation(N)
  public long splitSipHashSeed() {
    long x = 0;
    for (int i = 2; i < N; i++) {
      x ^= prf.contextSeed(ids, i);
    }
    return x;
  }

  /** Split: the per-token fmix bits alone (seeds precomputed). */
  @Benchmark
  @OperationsPerInvocation(N)
  public long splitFmix() {
    long x = 0;
    final long[] s = seeds;
    final int[] t = ids;
    for (int i = 2; i < N; i++) {
      x ^= WatermarkPrf.bits(s[i], t[i]);
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

  /** Candidate: core PRF calls, fingerprints computed a block at a time, then inserted. */
  @Benchmark
  @OperationsPerInvocation(N)
  public long candidateBlocked1M() {
    tape.clear();
    return blockedScore(0, N, tape, false);
  }

  /** Candidate: blocked, and the seed by SipHash-2-4 unrolled for two context tokens. */
  @Benchmark
  @OperationsPerInvocation(N)
  public long candidateBlockedPairSip1M() {
    tape.clear();
    return blockedScore(0, N, tape, true);
  }

  /** Candidate for short texts: blocked + pair SipHash over a 10k slice. */
  @Benchmark
  @OperationsPerInvocation(SHORT)
  public long candidateBlockedPairSip10k() {
    int off = (slice++ % (N / SHORT)) * SHORT;
    shortTape.clear();
    return blockedScore(off, SHORT, shortTape, true);
  }

  /** Split, candidate: the unrolled two-token SipHash seed alone. */
  @Benchmark
  @OperationsPerInvocation(N)
  public long candidateSplitPairSipHash() {
    long x = 0;
    final int[] t = ids;
    for (int i = 2; i < N; i++) {
      x ^= pairSip(k0, k1, t[i - 2], t[i - 1]);
    }
    return x;
  }

  private long blockedScore(int off, int len, ExactTape tp, boolean pair) {
    final int[] t = ids;
    final long[] b = block;
    final long thr = threshold;
    long scored = 0;
    long green = 0;
    long dup = 0;
    int end = off + len;
    for (int start = off + 2; start < end; start += BLOCK) {
      int stop = Math.min(end, start + BLOCK);
      for (int i = start; i < stop; i++) {
        long seed = pair ? pairSip(k0, k1, t[i - 2], t[i - 1]) : prf.contextSeed(t, i);
        b[i - start] = WatermarkPrf.bits(seed, t[i]);
      }
      for (int j = 0; j < stop - start; j++) {
        long u = b[j];
        if (tp.firstSeen(u)) {
          scored++;
          green += (u >>> 11) < thr ? 1 : 0;
        } else {
          dup++;
        }
      }
    }
    totals[0] = scored;
    totals[1] = green;
    totals[2] = dup;
    return scored;
  }

  /** SipHash-2-4 of the two LE64 words {@code a, b} (16-byte message), fully unrolled. */
  static long pairSip(long k0, long k1, int a, int b) {
    long v0 = k0 ^ 0x736f6d6570736575L;
    long v1 = k1 ^ 0x646f72616e646f6dL;
    long v2 = k0 ^ 0x6c7967656e657261L;
    long v3 = k1 ^ 0x7465646279746573L;
    long m = a;
    v3 ^= m;
    // two compression rounds
    v0 += v1;
    v1 = Long.rotateLeft(v1, 13);
    v1 ^= v0;
    v0 = Long.rotateLeft(v0, 32);
    v2 += v3;
    v3 = Long.rotateLeft(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = Long.rotateLeft(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = Long.rotateLeft(v1, 17);
    v1 ^= v2;
    v2 = Long.rotateLeft(v2, 32);
    v0 += v1;
    v1 = Long.rotateLeft(v1, 13);
    v1 ^= v0;
    v0 = Long.rotateLeft(v0, 32);
    v2 += v3;
    v3 = Long.rotateLeft(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = Long.rotateLeft(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = Long.rotateLeft(v1, 17);
    v1 ^= v2;
    v2 = Long.rotateLeft(v2, 32);
    v0 ^= m;
    m = b;
    v3 ^= m;
    v0 += v1;
    v1 = Long.rotateLeft(v1, 13);
    v1 ^= v0;
    v0 = Long.rotateLeft(v0, 32);
    v2 += v3;
    v3 = Long.rotateLeft(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = Long.rotateLeft(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = Long.rotateLeft(v1, 17);
    v1 ^= v2;
    v2 = Long.rotateLeft(v2, 32);
    v0 += v1;
    v1 = Long.rotateLeft(v1, 13);
    v1 ^= v0;
    v0 = Long.rotateLeft(v0, 32);
    v2 += v3;
    v3 = Long.rotateLeft(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = Long.rotateLeft(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = Long.rotateLeft(v1, 17);
    v1 ^= v2;
    v2 = Long.rotateLeft(v2, 32);
    v0 ^= m;
    long fin = 16L << 56;
    v3 ^= fin;
    for (int r = 0; r < 2; r++) {
      v0 += v1;
      v1 = Long.rotateLeft(v1, 13);
      v1 ^= v0;
      v0 = Long.rotateLeft(v0, 32);
      v2 += v3;
      v3 = Long.rotateLeft(v3, 16);
      v3 ^= v2;
      v0 += v3;
      v3 = Long.rotateLeft(v3, 21);
      v3 ^= v0;
      v2 += v1;
      v1 = Long.rotateLeft(v1, 17);
      v1 ^= v2;
      v2 = Long.rotateLeft(v2, 32);
    }
    v0 ^= fin;
    v2 ^= 0xffL;
    for (int r = 0; r < 4; r++) {
      v0 += v1;
      v1 = Long.rotateLeft(v1, 13);
      v1 ^= v0;
      v0 = Long.rotateLeft(v0, 32);
      v2 += v3;
      v3 = Long.rotateLeft(v3, 16);
      v3 ^= v2;
      v0 += v3;
      v3 = Long.rotateLeft(v3, 21);
      v3 ^= v0;
      v2 += v1;
      v1 = Long.rotateLeft(v1, 17);
      v1 ^= v2;
      v2 = Long.rotateLeft(v2, 32);
    }
    return v0 ^ v1 ^ v2 ^ v3;
  }
}
