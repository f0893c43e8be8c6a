package dev.telltale.detect;

import dev.telltale.key.KeyId;
import dev.telltale.key.WatermarkKey;
import dev.telltale.prf.VllmPrf;
import dev.telltale.prf.WatermarkPrf;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.VllmParameters;
import dev.telltale.scheme.WatermarkParameters;
import dev.telltale.text.ContextSkip;
import dev.telltale.text.Tokenizer;

/**
 * The per-token scoring loop shared by text detection, corpus scans and radioactivity tests. For
 * every position with a full context window it forms the (window, token) tuple, asks the tape
 * whether the tuple is new, and adds its score. Immutable and thread-safe; the tape and accumulator
 * are the caller's, so the loop allocates nothing per token.
 *
 * <p>For a key with the robust-context option, the ids of the skipped class ({@link ContextSkip})
 * are dropped first (one scratch copy per call): they form no context and are not scored, and the
 * trace keeps the positions of the original ids.
 */
public final class TupleScorer {
  private final KeyId keyId;
  private final WatermarkParameters parameters;
  private final WatermarkPrf prf;
  private final boolean greenList;
  private final int h;
  private final VllmTupleScorer vllm;
  private final ContextSkip skip;

  private TupleScorer(WatermarkKey key, ContextSkip skip) {
    this.keyId = key.id();
    this.parameters = key.parameters();
    this.prf = WatermarkPrf.of(key);
    this.greenList = parameters instanceof GreenListParameters;
    this.h = parameters.contextWidth();
    this.vllm = parameters instanceof VllmParameters ? new VllmTupleScorer(VllmPrf.of(key)) : null;
    this.skip = skip;
  }

  /**
   * The scorer of a key without the robust-context option; a robust-context key needs its tokenizer
   * ({@link #of(WatermarkKey, Tokenizer)}).
   */
  public static TupleScorer of(WatermarkKey key) {
    if (key.parameters().robustContext()) {
      throw new IllegalArgumentException(
          "key '" + key.id() + "' has robust contexts; its scorer needs the tokenizer");
    }
    return new TupleScorer(key, null);
  }

  /** The scorer of {@code key} over ids of {@code tokenizer}. */
  public static TupleScorer of(WatermarkKey key, Tokenizer tokenizer) {
    return new TupleScorer(
        key, key.parameters().robustContext() ? ContextSkip.of(tokenizer) : null);
  }

  /** Whether this scorer drops the robust-context class before scoring. */
  public boolean robustContext() {
    return skip != null;
  }

  public KeyId keyId() {
    return keyId;
  }

  public WatermarkParameters parameters() {
    return parameters;
  }

  /**
   * Scores {@code ids[off .. off+len)} into {@code acc}; the first h tokens are context only (vLLM
   * keys score every token, padding the context with -1 as vLLM does). {@code trace} may be null.
   */
  public void score(
      int[] ids, int off, int len, DedupTape tape, ScoreAccumulator acc, ScoreTrace trace) {
    if (off < 0 || len < 0 || off + len > ids.length) {
      throw new IndexOutOfBoundsException("token range out of bounds");
    }
    if (vllm != null) {
      vllm.score(ids, off, len, tape, acc, trace);
      return;
    }
    if (skip != null) {
      int[] kept = new int[len];
      int[] at = new int[len];
      int n = skip.filter(ids, off, len, kept, at);
      scoreKept(kept, 0, n, at, tape, acc, trace);
      return;
    }
    scoreKept(ids, off, len, null, tape, acc, trace);
  }

  // The loop proper; at[i] (if non-null) is the original position of ids[off + i] for the trace.
  private void scoreKept(
      int[] ids,
      int off,
      int len,
      int[] at,
      DedupTape tape,
      ScoreAccumulator acc,
      ScoreTrace trace) {
    int end = off + len;
    long threshold = prf.greenThreshold();
    long[] block = acc.block;
    // Fingerprints are computed a block at a time and only then looked up in the tape: the
    // lookups of a block are independent, so their cache misses overlap instead of each waiting
    // behind the next SipHash.
    for (int start = off + h; start < end; start += block.length) {
      int stop = Math.min(end, start + block.length);
      prf.tupleBits(ids, start, stop, block);
      scoreBlock(block, start, start, stop, off, at, threshold, tape, acc, trace);
    }
  }

  /**
   * Whether {@link #fingerprints} and {@link #scoreFingerprints} score as {@link #score} does: not
   * for vLLM keys nor robust-context keys, whose loops are their own.
   */
  boolean scoresFingerprints() {
    return vllm == null && skip == null;
  }

  /**
   * The tuple fingerprints of positions {@code [from, to)} of {@code ids} into {@code out[at ..]}:
   * what {@link #score} looks up for them ({@code from >= h}). The fingerprint of position i is a
   * function of {@code ids[i - h .. i]} alone.
   */
  void fingerprints(int[] ids, int from, int to, long[] out, int at, long[] scratch) {
    for (int start = from; start < to; start += scratch.length) {
      int stop = Math.min(to, start + scratch.length);
      prf.tupleBits(ids, start, stop, scratch);
      System.arraycopy(scratch, 0, out, at + start - from, stop - start);
    }
  }

  /**
   * {@link #score} of a whole sequence of {@code len} ids whose fingerprints are known: {@code u[i
   * - h]} for position i (from {@link #fingerprints}). Same tape lookups in the same order, hence
   * the same totals and trace.
   */
  void scoreFingerprints(
      long[] u, int len, DedupTape tape, ScoreAccumulator acc, ScoreTrace trace) {
    if (len > h) {
      scoreBlock(u, h, h, len, 0, null, prf.greenThreshold(), tape, acc, trace);
    }
  }

  // Positions [start, stop) with fingerprints block[i - base]; trace positions relative to off.
  private void scoreBlock(
      long[] block,
      int base,
      int start,
      int stop,
      int off,
      int[] at,
      long threshold,
      DedupTape tape,
      ScoreAccumulator acc,
      ScoreTrace trace) {
    for (int i = start; i < stop; i++) {
      // u is a keyed 64-bit fingerprint of the (window, token) tuple.
      long u = block[i - base];
      acc.positions++;
      if (!tape.firstSeen(u)) {
        acc.duplicates++;
        continue;
      }
      acc.scored++;
      double value;
      if (greenList) {
        long green = WatermarkPrf.greenBit(u, threshold);
        acc.green += green;
        value = green;
      } else {
        value = WatermarkPrf.gumbelScore(u);
        acc.sum += value;
      }
      if (trace != null) {
        trace.add(at == null ? i - off : at[i - off], value);
      }
    }
  }

  /** The vLLM scorer of a vLLM key, else null. */
  VllmTupleScorer vllm() {
    return vllm;
  }
}
