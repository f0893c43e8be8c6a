package dev.telltale.detect;

import dev.telltale.key.KeyId;
import dev.telltale.key.WatermarkKey;
import dev.telltale.prf.VllmPrf;
import dev.telltale.prf.WatermarkPrf;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.VllmParameters;
import dev.telltale.scheme.WatermarkParameters;

/**
 * The per-token scoring loop shared by text detection, corpus scans and radioactivity tests. For
 * every position with a full context window it forms the (window, token) tuple, asks the tape
 * whether the tuple is new, and adds its score. Immutable and thread-safe; the tape and accumulator
 * are the caller's, so the loop allocates nothing.
 */
public final class TupleScorer {
  private final KeyId keyId;
  private final WatermarkParameters parameters;
  private final WatermarkPrf prf;
  private final boolean greenList;
  private final int h;
  private final VllmTupleScorer vllm;

  private TupleScorer(WatermarkKey key) {
    this.keyId = key.id();
    this.parameters = key.parameters();
    this.prf = WatermarkPrf.of(key);
    this.greenList = parameters instanceof GreenListParameters;
    this.h = parameters.contextWidth();
    this.vllm = parameters instanceof VllmParameters ? new VllmTupleScorer(VllmPrf.of(key)) : null;
  }

  public static TupleScorer of(WatermarkKey key) {
    return new TupleScorer(key);
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
    int end = off + len;
    long threshold = prf.greenThreshold();
    long[] block = acc.block;
    // Fingerprints are computed a block at a time and only then looked up in the tape: the
    // lookups of a block are independent, so their cache misses overlap instead of each waiting
    // behind the next SipHash.
    for (int start = off + h; start < end; start += block.length) {
      int stop = Math.min(end, start + block.length);
      prf.tupleBits(ids, start, stop, block);
      for (int i = start; i < stop; i++) {
        // u is a keyed 64-bit fingerprint of the (window, token) tuple.
        long u = block[i - start];
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
          trace.add(i - off, value);
        }
      }
    }
  }

  /** The vLLM scorer of a vLLM key, else null. */
  VllmTupleScorer vllm() {
    return vllm;
  }
}
