package dev.telltale.detect;

import dev.telltale.collect.LongOpenHashSet;
import dev.telltale.prf.Philox4x32;
import dev.telltale.prf.VllmPrf;
import dev.telltale.scheme.VllmParameters;
import dev.telltale.scheme.VllmSbwParameters;

/**
 * The per-token loop of vLLM keys. Every token is scored, the first ones with contexts padded by
 * the token -1 (vLLM scores padded contexts); the token range is the generated text, whose context
 * never reaches before {@code off}.
 *
 * <p>Telltale's exact test deduplicates on what the PRF actually reads: for the Gumbel schemes the
 * absorbed context (vLLM's own rule, so the p-value equals vLLM's), for SBW the effective seed and
 * the token. {@link #scoreAsVllm} reproduces vLLM's detector itself, whose SBW figure is not valid
 * on natural text.
 */
final class VllmTupleScorer {
  private final VllmPrf prf;
  private final int c;
  private final boolean sbw;
  private long sink; // keeps the reads of the lookahead loop

  VllmTupleScorer(VllmPrf prf) {
    this.prf = prf;
    VllmParameters p = prf.parameters();
    this.c = p.contextWidth();
    this.sbw = p instanceof VllmSbwParameters;
  }

  VllmPrf prf() {
    return prf;
  }

  /**
   * Telltale's scoring pass; {@code trace} may be null. The tape sees the tuple's fingerprint
   * ({@link VllmFingerprints}); with the key's detection dedup on, a Gumbel token whose context
   * already occurred in this range is skipped first, as vLLM does, so the count and the p-value
   * equal vLLM's.
   */
  void score(int[] ids, int off, int len, DedupTape tape, ScoreAccumulator acc, ScoreTrace trace) {
    score(ids, off, len, tape, acc, trace, acc.vllm(prf));
  }

  /**
   * {@link #score} with the fingerprinting {@code f} of this scorer's key (tests pick its path).
   */
  void score(
      int[] ids,
      int off,
      int len,
      DedupTape tape,
      ScoreAccumulator acc,
      ScoreTrace trace,
      VllmFingerprints f) {
    int end = off + len;
    LongOpenHashSet contexts = null;
    if (!sbw && prf.parameters().detectionDedup()) {
      contexts = acc.contexts();
    }
    long[] fps = f.blockFingerprints();
    long[] ctxs = f.blockContexts();
    int[] keep = f.blockKept();
    double[] scores = f.blockScores();
    for (int from = off; from < end; from += fps.length) {
      int to = Math.min(end, from + fps.length);
      int n = to - from;
      // The PRF of a block first, then its set lookups back to back: the two kinds of work
      // overlap better than when interleaved token by token. The order of the lookups is kept.
      f.fingerprints(ids, off, from, to, fps, ctxs);
      long touched = 0;
      ExactTape exact = tape instanceof ExactTape e ? e : null;
      for (int i = 0; i < n; i++) {
        if (contexts != null) {
          touched ^= contexts.touch(ctxs[i]);
        }
        if (exact != null) {
          touched ^= exact.touch(fps[i]);
        }
      }
      sink ^= touched;
      // The scores of the whole block (in lanes once the Philox work runs there) while the reads
      // above are on their way: a Gumbel score is a long chain of dependent operations, which
      // must not wait behind the set lookups' unpredictable branches.
      f.scores(fps, n, scores);
      int kept = 0;
      for (int i = 0; i < n; i++) {
        acc.positions++;
        if ((contexts != null && !contexts.add(ctxs[i])) || !tape.firstSeen(fps[i])) {
          acc.duplicates++;
          continue;
        }
        keep[kept++] = i;
      }
      acc.scored += kept;
      if (f.greenList()) {
        for (int k = 0; k < kept; k++) {
          double value = scores[keep[k]];
          acc.green += (long) value;
          if (trace != null) {
            trace.add(from + keep[k] - off, value);
          }
        }
      } else {
        double sum = acc.sum;
        for (int k = 0; k < kept; k++) {
          double value = scores[keep[k]];
          sum += value;
          if (trace != null) {
            trace.add(from + keep[k] - off, value);
          }
        }
        acc.sum = sum;
      }
    }
  }

  /**
   * vLLM's detector: scores {@code ids[off .. off+len)}, skipping a token whose context was already
   * seen when the key's detection dedup is on; returns {@code {n, score}} (SBW, red-green: green
   * count; SynthID: count of g-values equal to 1).
   */
  double[] scoreAsVllm(int[] ids, int off, int len) {
    boolean dedup = prf.parameters().detectionDedup();
    LongOpenHashSet seen = dedup ? new LongOpenHashSet(Math.max(16, len)) : null;
    long n = 0;
    double score = 0;
    if (!sbw) {
      // The Gumbel schemes and red-green: a fingerprint's mantissas give vLLM's score of the
      // token (VllmFingerprints#score), and its context digest is the one deduplicated.
      VllmFingerprints f = new VllmFingerprints(prf);
      long[] fps = f.blockFingerprints();
      long[] ctxs = f.blockContexts();
      for (int from = off, end = off + len; from < end; from += fps.length) {
        int to = Math.min(end, from + fps.length);
        f.fingerprints(ids, off, from, to, fps, ctxs);
        for (int j = 0; j < to - from; j++) {
          if (seen != null && !seen.add(ctxs[j])) {
            continue;
          }
          n++;
          score += f.score(fps[j]);
        }
      }
      return new double[] {n, score};
    }
    int[] st = new int[4];
    for (int i = off; i < off + len; i++) {
      Philox4x32.absorb(prf.keyA(), ids, off, i, c, st);
      if (seen != null && !seen.add(VllmPrf.contextFingerprint(st))) {
        continue;
      }
      n++;
      int v = ids[i];
      score += prf.sbwGreen(prf.sbwSeed(ids, off, i, v), v) ? 1 : 0;
    }
    return new double[] {n, score};
  }
}
