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
   * Passes at least this long find their repeated contexts with {@link RepeatedContexts} rather
   * than a set of the pass's contexts, and look an {@link ExactTape} up ahead ({@link
   * ExactTape#firstSeenEach}), whose random reads token by token would miss the caches (a set of
   * 2^15 digests is 512 KB).
   */
  static final int GROUPED_FROM = 1 << 15;

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
    score(ids, off, len, tape, acc, trace, f, GROUPED_FROM);
  }

  /**
   * {@link #score} that takes the way of long passes ({@link #GROUPED_FROM}) when {@code len >=
   * groupedFrom} (tests compare the two ways).
   */
  void score(
      int[] ids,
      int off,
      int len,
      DedupTape tape,
      ScoreAccumulator acc,
      ScoreTrace trace,
      VllmFingerprints f,
      int groupedFrom) {
    boolean dedup = !sbw && prf.parameters().detectionDedup();
    long[] fps = f.blockFingerprints();
    long[] ctxs = f.blockContexts();
    if (len >= groupedFrom && (dedup || tape instanceof ExactTape)) {
      // The pass's fingerprints and digests first, then which digests repeat (with the key's
      // dedup) and which of the other tokens' fingerprints the tape has not seen, both found
      // grouped, then the blocks.
      acc.passScratch(len);
      long[] passFps = acc.passFingerprints();
      long[] passCtxs = acc.passContexts();
      for (int from = off, end = off + len; from < end; from += fps.length) {
        int to = Math.min(end, from + fps.length);
        f.fingerprints(ids, off, from, to, fps, ctxs);
        System.arraycopy(fps, 0, passFps, from - off, to - from);
        System.arraycopy(ctxs, 0, passCtxs, from - off, to - from);
      }
      long[] repeated = null;
      if (dedup) {
        repeated = acc.passRepeated();
        acc.repeatedContexts().mark(passCtxs, len, repeated, acc.passOrder(), acc.passGrouped());
      }
      long[] fresh = null;
      if (tape instanceof ExactTape exact) {
        // the tape's lookups in order: the fingerprints of the tokens whose context is new
        long[] lookups = passFps;
        int m = len;
        if (repeated != null) {
          lookups = passCtxs; // the digests are done with
          m = 0;
          for (int i = 0; i < len; i++) {
            if ((repeated[i >>> 6] & (1L << i)) == 0) {
              lookups[m++] = passFps[i];
            }
          }
        }
        fresh = acc.passFresh();
        exact.firstSeenEach(lookups, m, fresh, acc.passOrder(), acc.passGrouped());
      }
      int lookup = 0;
      for (int from = off, end = off + len; from < end; from += fps.length) {
        int to = Math.min(end, from + fps.length);
        System.arraycopy(passFps, from - off, fps, 0, to - from);
        lookup =
            scoreBlock(
                from, to, off, fps, null, null, repeated, fresh, lookup, f, tape, acc, trace);
      }
      return;
    }
    LongOpenHashSet contexts = dedup ? acc.contexts() : null;
    for (int from = off, end = off + len; from < end; from += fps.length) {
      int to = Math.min(end, from + fps.length);
      f.fingerprints(ids, off, from, to, fps, ctxs);
      scoreBlock(from, to, off, fps, ctxs, contexts, null, null, 0, f, tape, acc, trace);
    }
  }

  /**
   * Tokens {@code [from, to)} with fingerprints {@code fps[0 ..]}: a token whose context repeats is
   * a duplicate (bit {@code i - off} of {@code repeated}, else the digest {@code ctxs[i - from]}
   * already in {@code contexts}; neither when both are null), else the tape decides: bit {@code
   * lookup} of {@code fresh}, counting on from the returned index, when the pass looked the tape up
   * ahead, else {@link DedupTape#firstSeen}.
   */
  private int scoreBlock(
      int from,
      int to,
      int off,
      long[] fps,
      long[] ctxs,
      LongOpenHashSet contexts,
      long[] repeated,
      long[] fresh,
      int lookup,
      VllmFingerprints f,
      DedupTape tape,
      ScoreAccumulator acc,
      ScoreTrace trace) {
    int n = to - from;
    int[] keep = f.blockKept();
    double[] scores = f.blockScores();
    // The set lookups of the block back to back, ahead of the work below: the two kinds of work
    // overlap better than when interleaved token by token. The order of the lookups is kept.
    long touched = 0;
    ExactTape exact = fresh == null && tape instanceof ExactTape e ? e : null;
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
      boolean duplicate;
      if (repeated != null) {
        int at = from - off + i;
        duplicate = (repeated[at >>> 6] & (1L << at)) != 0;
      } else {
        duplicate = contexts != null && !contexts.add(ctxs[i]);
      }
      if (!duplicate) {
        if (fresh != null) {
          duplicate = (fresh[lookup >>> 6] & (1L << lookup)) == 0;
          lookup++;
        } else {
          duplicate = !tape.firstSeen(fps[i]);
        }
      }
      if (duplicate) {
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
    return lookup;
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
