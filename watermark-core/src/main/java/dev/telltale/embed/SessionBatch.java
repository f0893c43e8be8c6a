package dev.telltale.embed;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * A batch of {@link WatermarkSession}s stepped together, as a serving stack steps sequences
 * (continuous batching): the logits of every row live in one {@code float[]}, row {@code r}
 * starting at {@code offsets[r]}. {@link #bias} and {@link #sample} give exactly what stepping each
 * session alone on its own row would give (rows in order; {@link #sample} draws from one random
 * generator row by row, as a loop over the sessions would).
 *
 * <p>Speculative decoding: {@link #accept(int, int)} keeps the state before each of the last {@code
 * maxDraft} accepts, so the stack can accept k draft tokens, verify them, and {@link #rollback} the
 * ones the target model rejected; rolling back and accepting again leaves the session exactly as if
 * the rejected tokens had never been accepted (including the Gumbel repeated-context table, and for
 * vLLM keys the token history, vLLM's context deduplication map and the generation trace).
 *
 * <p>Nothing here allocates per token. Green-list rows without self-hash or payload are biased in
 * place at their offset; other schemes are stepped on a scratch copy of the row, allocated once per
 * vocabulary size (or candidate count high-water mark). Not thread-safe.
 */
public final class SessionBatch {
  private final WatermarkSession[] sessions;
  private final int maxDraft;
  private final long[][] history; // per row: maxDraft saved states, a ring
  private final int[] stateLength; // per row: longs one saved state takes
  private final int[] head; // per row: ring slot of the next save
  private final int[] pending; // per row: accepts that can still be rolled back
  private float[] scratch = new float[0];
  private int[] scratchCandidates = new int[0];

  /**
   * A batch over {@code sessions} (one per row) that can roll back up to {@code maxDraft} accepted
   * tokens per row.
   */
  public SessionBatch(WatermarkSession[] sessions, int maxDraft) {
    Objects.requireNonNull(sessions, "sessions");
    if (maxDraft < 0) {
      throw new IllegalArgumentException("maxDraft must be >= 0, got " + maxDraft);
    }
    this.sessions = sessions.clone();
    this.maxDraft = maxDraft;
    this.history = new long[sessions.length][];
    this.stateLength = new int[sessions.length];
    this.head = new int[sessions.length];
    this.pending = new int[sessions.length];
    for (int r = 0; r < sessions.length; r++) {
      set(r, sessions[r]);
    }
  }

  /** Number of rows. */
  public int size() {
    return sessions.length;
  }

  public WatermarkSession session(int row) {
    return sessions[row];
  }

  /**
   * Puts {@code session} in {@code row} (a finished sequence leaves, a new one joins); the row's
   * rollback history starts empty. Allocates the row's history unless its size already fits.
   */
  public void set(int row, WatermarkSession session) {
    Objects.requireNonNull(session, "session of row " + row);
    sessions[row] = session;
    int len = session.stateLength();
    stateLength[row] = len;
    int need = len * maxDraft;
    if (history[row] == null || history[row].length < need) {
      history[row] = new long[need];
    }
    head[row] = 0;
    pending[row] = 0;
  }

  /**
   * Full-vocabulary green-list bias of the first {@code rows} rows: row {@code r} is {@code
   * logits[offsets[r] .. offsets[r] + vocab)}.
   */
  public void bias(float[] logits, int[] offsets, int rows, int vocab) {
    checkRows(logits, offsets, rows, vocab);
    for (int r = 0; r < rows; r++) {
      WatermarkSession s = sessions[r];
      int off = offsets[r];
      if (s.plainGreenList()) {
        if (s.contextFull()) {
          BiasKernels.greenBias(
              logits, off, vocab, s.contextSeed(), s.greenThreshold(), s.greenDelta());
        }
      } else {
        float[] row = scratch(vocab);
        System.arraycopy(logits, off, row, 0, vocab);
        s.bias(row);
        System.arraycopy(row, 0, logits, off, vocab);
      }
    }
  }

  /**
   * Candidate-set bias of the first {@code rows} rows: {@code logits[offsets[r] + i]} belongs to
   * token {@code candidates[candidateOffsets[r] + i]}, for {@code i < counts[r]}.
   */
  public void bias(
      float[] logits,
      int[] offsets,
      int[] candidates,
      int[] candidateOffsets,
      int[] counts,
      int rows) {
    checkCandidateRows(logits, offsets, candidates, candidateOffsets, counts, rows);
    for (int r = 0; r < rows; r++) {
      WatermarkSession s = sessions[r];
      int off = offsets[r];
      int coff = candidateOffsets[r];
      int n = counts[r];
      if (s.plainGreenList()) {
        if (s.contextFull()) {
          BiasKernels.greenBiasCandidates(
              logits,
              off,
              candidates,
              coff,
              n,
              s.contextSeed(),
              s.greenThreshold(),
              s.greenDelta());
        }
      } else {
        float[] row = scratch(n);
        int[] cand = scratchCandidates(n);
        System.arraycopy(logits, off, row, 0, n);
        System.arraycopy(candidates, coff, cand, 0, n);
        s.bias(row, cand, n);
        System.arraycopy(row, 0, logits, off, n);
      }
    }
  }

  /**
   * Full-vocabulary sampling (Gumbel and vLLM sampling keys) of the first {@code rows} rows into
   * {@code out[r]} (a token id).
   */
  public void sample(
      float[] logits,
      int[] offsets,
      int rows,
      int vocab,
      double temperature,
      RandomGenerator random,
      int[] out) {
    checkRows(logits, offsets, rows, vocab);
    checkOut(out, rows);
    float[] row = scratch(vocab);
    for (int r = 0; r < rows; r++) {
      System.arraycopy(logits, offsets[r], row, 0, vocab);
      out[r] = sessions[r].sample(row, temperature, random);
    }
  }

  /** Candidate-set sampling of the first {@code rows} rows into {@code out[r]} (a token id). */
  public void sample(
      float[] logits,
      int[] offsets,
      int[] candidates,
      int[] candidateOffsets,
      int[] counts,
      int rows,
      double temperature,
      RandomGenerator random,
      int[] out) {
    checkCandidateRows(logits, offsets, candidates, candidateOffsets, counts, rows);
    checkOut(out, rows);
    for (int r = 0; r < rows; r++) {
      int n = counts[r];
      float[] row = scratch(n);
      int[] cand = scratchCandidates(n);
      System.arraycopy(logits, offsets[r], row, 0, n);
      System.arraycopy(candidates, candidateOffsets[r], cand, 0, n);
      out[r] = sessions[r].sample(row, cand, n, temperature, random);
    }
  }

  /**
   * Accepts {@code tokens[r]} in row r for every {@code r < rows} (undoable, see {@link
   * #rollback}).
   */
  public void accept(int[] tokens, int rows) {
    if (rows < 0 || rows > sessions.length || rows > tokens.length) {
      throw new IllegalArgumentException("row count " + rows + " exceeds the batch or the tokens");
    }
    for (int r = 0; r < rows; r++) {
      accept(r, tokens[r]);
    }
  }

  /**
   * Accepts {@code token} in {@code row}; the last {@code maxDraft} accepts since {@link #commit}
   * can be rolled back.
   */
  public void accept(int row, int token) {
    WatermarkSession s = sessions[row];
    int len = stateLength[row];
    if (len > 0 && maxDraft > 0 && token >= 0) {
      s.saveState(history[row], head[row] * len);
      s.accept(token);
      head[row] = head[row] + 1 == maxDraft ? 0 : head[row] + 1;
      if (pending[row] < maxDraft) {
        pending[row]++;
      }
    } else {
      s.accept(token);
    }
  }

  /** Accepts that {@link #rollback} can still undo in {@code row}. */
  public int pending(int row) {
    return pending[row];
  }

  /** Makes the accepted tokens of {@code row} final (nothing left to roll back). */
  public void commit(int row) {
    pending[row] = 0;
  }

  /**
   * Undoes the last {@code k} accepts of {@code row} (draft tokens the target model rejected); the
   * session is then exactly as before them.
   */
  public void rollback(int row, int k) {
    if (k < 0 || k > pending[row]) {
      throw new IllegalArgumentException(
          "cannot roll back " + k + " tokens in row " + row + ": " + pending[row] + " pending");
    }
    int len = stateLength[row];
    for (int j = 0; j < k; j++) {
      head[row] = head[row] == 0 ? maxDraft - 1 : head[row] - 1;
      sessions[row].undoAccept(history[row], head[row] * len);
    }
    pending[row] -= k;
  }

  private float[] scratch(int n) {
    if (scratch.length != n) {
      scratch = new float[n];
    }
    return scratch;
  }

  private int[] scratchCandidates(int n) {
    if (scratchCandidates.length < n) {
      scratchCandidates = new int[Math.max(n, 2 * scratchCandidates.length)];
    }
    return scratchCandidates;
  }

  private void checkRows(float[] logits, int[] offsets, int rows, int vocab) {
    if (rows < 0 || rows > sessions.length || rows > offsets.length) {
      throw new IllegalArgumentException("row count " + rows + " exceeds the batch or the offsets");
    }
    if (vocab <= 0) {
      throw new IllegalArgumentException("vocabulary size must be positive, got " + vocab);
    }
    for (int r = 0; r < rows; r++) {
      int off = offsets[r];
      if (off < 0 || off > logits.length - vocab) {
        throw new IllegalArgumentException(
            "row " + r + " at offset " + off + " exceeds " + logits.length + " logits");
      }
    }
  }

  private void checkCandidateRows(
      float[] logits,
      int[] offsets,
      int[] candidates,
      int[] candidateOffsets,
      int[] counts,
      int rows) {
    if (rows < 0
        || rows > sessions.length
        || rows > offsets.length
        || rows > candidateOffsets.length
        || rows > counts.length) {
      throw new IllegalArgumentException("row count " + rows + " exceeds the batch or its arrays");
    }
    for (int r = 0; r < rows; r++) {
      int off = offsets[r];
      int coff = candidateOffsets[r];
      int n = counts[r];
      if (n < 0 || off < 0 || off > logits.length - n || coff < 0 || coff > candidates.length - n) {
        throw new IllegalArgumentException(
            "row "
                + r
                + ": "
                + n
                + " candidates at offsets "
                + off
                + "/"
                + coff
                + " exceed the arrays");
      }
    }
  }

  private static void checkOut(int[] out, int rows) {
    if (out.length < rows) {
      throw new IllegalArgumentException("out holds " + out.length + " rows, need " + rows);
    }
  }
}
