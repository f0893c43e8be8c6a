package dev.telltale.benchmarks;

import dev.telltale.detect.ExactTape;
import dev.telltale.detect.ScoreAccumulator;
import dev.telltale.detect.TupleScorer;
import dev.telltale.embed.WatermarkSession;
import dev.telltale.embed.Watermarker;
import dev.telltale.forensics.attribution.Attribution;
import dev.telltale.forensics.attribution.AttributionPolicy;
import dev.telltale.forensics.attribution.PayloadVotes;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.PayloadParameters;
import dev.telltale.text.Tokenizers;
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
 * The account payload layer next to plain KGW under the same key: {@code bias} + {@code accept}
 * over 256 candidates and over the whole cl100k vocabulary (the context moves every call), and
 * payload decoding (vote tally of a 10k-token text) next to zero-bit scoring of the same ids, per
 * token. Default payload: 24 bits, 4 bits per symbol.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class PayloadBenchmark {
  static final int K = 256;
  private static final int SETS = 64;
  static final int TEXT = 10_000;

  private int[][] ids;
  private float[][] logits;
  private float[] vocabLogits;
  private int step;
  private WatermarkSession plain;
  private WatermarkSession payload;
  private int[] text;
  private Attribution attribution;
  private TupleScorer scorer;
  private ExactTape tape;
  private ScoreAccumulator acc;

  @Setup
  public void setup() {
    SplittableRandom rnd = new SplittableRandom(7);
    ids = new int[SETS][];
    logits = new float[SETS][];
    for (int s = 0; s < SETS; s++) {
      ids[s] = BenchData.distinctIds(rnd, K, BenchData.CL100K_VOCAB);
      logits[s] = BenchData.gaussianLogits(rnd, K, 3.0);
    }
    vocabLogits = BenchData.gaussianLogits(rnd, BenchData.CL100K_VOCAB, 3.0);
    WatermarkKey base = BenchData.kgwKey();
    GreenListParameters g =
        ((GreenListParameters) base.parameters()).withPayload(PayloadParameters.defaults());
    WatermarkKey key = WatermarkKey.of(base.id(), g, base.secret(), base.created());
    int[] prompt = {1000, 2000};
    plain = Watermarker.of(key).newSession(prompt, 0, 2);
    payload = Watermarker.forAccount(key, 0xABCDEF).newSession(prompt, 0, 2);
    text = BenchData.zipfIds(TEXT, BenchData.CL100K_VOCAB, 11);
    attribution = Attribution.of(key, Tokenizers.cl100kBase(), AttributionPolicy.defaults());
    scorer = TupleScorer.of(key);
    tape = new ExactTape(TEXT);
    acc = new ScoreAccumulator();
  }

  /** Baseline: plain KGW bias over 256 candidates, then accept one (new context per token). */
  @Benchmark
  public float[] candidatesPlainKgw() {
    int s = step++;
    int k = s & (SETS - 1);
    plain.bias(logits[k], ids[k], K);
    plain.accept(ids[k][(s >>> 6) & (K - 1)]);
    return logits[k];
  }

  /** Payload: the same with the account's colour biased inside the green list. */
  @Benchmark
  public float[] candidatesPayload() {
    int s = step++;
    int k = s & (SETS - 1);
    payload.bias(logits[k], ids[k], K);
    payload.accept(ids[k][(s >>> 6) & (K - 1)]);
    return logits[k];
  }

  /** Baseline: plain KGW accept + full-vocabulary bias (V = 100,277), in ns per call. */
  @Benchmark
  public float[] vocabularyPlainKgw() {
    plain.accept(ids[0][step++ & (K - 1)]);
    plain.bias(vocabLogits);
    return vocabLogits;
  }

  /** Payload: accept + full-vocabulary bias with the payload layer. */
  @Benchmark
  public float[] vocabularyPayload() {
    payload.accept(ids[0][step++ & (K - 1)]);
    payload.bias(vocabLogits);
    return vocabLogits;
  }

  /** Baseline: zero-bit scoring of a 10k-token text, per token. */
  @Benchmark
  @OperationsPerInvocation(TEXT)
  public long scoreZeroBit() {
    tape.clear();
    acc.reset();
    scorer.score(text, 0, TEXT, tape, acc, null);
    return acc.green();
  }

  /** Payload decoding of the same text (votes with its own tape, then decode), per token. */
  @Benchmark
  @OperationsPerInvocation(TEXT)
  public long decodePayload() {
    PayloadVotes v = attribution.votes(text, 0, TEXT);
    return v.decode();
  }
}
