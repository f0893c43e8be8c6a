package dev.telltale.detect;

import dev.telltale.collect.LongOpenHashSet;
import dev.telltale.collect.ThreadScratch;
import dev.telltale.stats.TailProbability;

/**
 * The spoofing check beside the p-value: a real watermark raises the score in every context, a
 * spoof built from a stolen green-list estimate only in the contexts an attacker saw often enough
 * to learn. The scored tuples are split by whether their context (the {@code h} tokens before the
 * token, unkeyed) is in a set of frequent contexts chosen by a key-independent rule (contexts
 * frequent in public or unwatermarked text), and each part gets its own exact p-value. The part of
 * rare contexts is a valid test on its own; a text significant overall but not on its rare contexts
 * is flagged as a possible spoof.
 */
public final class SpreadCheck {
  /** The two parts and the flag. */
  public record Result(
      long frequentScored,
      double frequentScore,
      TailProbability frequent,
      long rareScored,
      double rareScore,
      TailProbability rare,
      boolean flagged) {}

  /** Which contexts count as frequent: a rule that reads token ids only, never a key. */
  @FunctionalInterface
  public interface FrequentContexts {
    /** Whether the context of position {@code i} (its {@code h} preceding ids) is frequent. */
    boolean frequent(int[] ids, int i, int h);
  }

  /** Each thread's trace, reused by its checks one after another. */
  private static final ThreadLocal<ScoreTrace> TRACE =
      ThreadLocal.withInitial(() -> new ScoreTrace(1024));

  private final Detector detector;
  private final FrequentContexts frequentContexts;
  private final double rareLevel;

  /**
   * @param frequentContexts {@link #context} values of frequent contexts, chosen without the key
   * @param rareLevel the rare-context part must reach this level for an overall detection to stand
   */
  public SpreadCheck(Detector detector, LongOpenHashSet frequentContexts, double rareLevel) {
    this(detector, (ids, i, h) -> frequentContexts.contains(context(ids, i, h)), rareLevel);
  }

  /** A check whose frequent contexts are given by a key-independent rule. */
  public SpreadCheck(Detector detector, FrequentContexts frequentContexts, double rareLevel) {
    this.detector = detector;
    this.frequentContexts = frequentContexts;
    this.rareLevel = rareLevel;
  }

  public double rareLevel() {
    return rareLevel;
  }

  /**
   * The unkeyed context value of position {@code i}: its {@code h} preceding token ids (fewer at
   * the start of the ids).
   */
  public static long context(int[] ids, int i, int h) {
    long c = 0x9E3779B97F4A7C15L;
    // vLLM's schemes score positions before a full context: the context is what precedes them.
    for (int j = Math.max(0, i - h); j < i; j++) {
      c = (c ^ ids[j]) * 0xBF58476D1CE4E5B9L;
      c ^= c >>> 31;
    }
    return c;
  }

  /** Splits the scored tuples of {@code ids[off .. off+len)} and tests each part. */
  public Result check(int[] ids, int off, int len) {
    return check(ids, off, len, null);
  }

  /**
   * {@link #check(int[], int, int)}, flagging when {@code detected} (the verdict the detection
   * gave, which may rest on a window or a correction) rather than the whole text's own p-value.
   */
  public Result check(int[] ids, int off, int len, boolean detected) {
    return check(ids, off, len, Boolean.valueOf(detected));
  }

  /**
   * {@link #check(int[], int, int, boolean)} from the trace of the detection's own pass over {@code
   * ids[off ..]} with this check's key ({@link Detector#detectTokens(int[], int, int,
   * ScoreTrace)}): the same result, without scoring the tokens a second time.
   */
  public Result check(ScoreTrace trace, int[] ids, int off, boolean detected) {
    return split(trace, ids, off, detected);
  }

  private Result check(int[] ids, int off, int len, Boolean detected) {
    ScoreAccumulator acc = new ScoreAccumulator();
    ScoreTrace trace = TRACE.get();
    trace.clear();
    ExactTape tape = TapeScratch.take();
    detector.scorer().score(ids, off, len, tape, acc, trace);
    TapeScratch.release(tape);
    boolean significant =
        detected != null
            ? detected
            : detector.tail(acc.scored(), scoreOf(acc)).log10PValue()
                <= Math.log10(detector.policy().alpha());
    Result r = split(trace, ids, off, significant);
    if (trace.size() > ThreadScratch.KEPT) {
      TRACE.set(new ScoreTrace(1024)); // let go of what a huge text grew
    }
    return r;
  }

  /** The two parts of a pass's scored tuples (positions relative to {@code off}). */
  private Result split(ScoreTrace trace, int[] ids, int off, boolean significant) {
    int h = detector.scorer().parameters().contextWidth();
    long fn = 0;
    long rn = 0;
    double fs = 0;
    double rs = 0;
    for (int t = 0; t < trace.size(); t++) {
      int pos = off + trace.position(t);
      if (frequentContexts.frequent(ids, pos, h)) {
        fn++;
        fs += trace.value(t);
      } else {
        rn++;
        rs += trace.value(t);
      }
    }
    TailProbability frequent = detector.tail(fn, fs);
    TailProbability rare = detector.tail(rn, rs);
    boolean flagged = significant && rare.log10PValue() > Math.log10(rareLevel);
    return new Result(fn, fs, frequent, rn, rs, rare, flagged);
  }

  private double scoreOf(ScoreAccumulator acc) {
    return detector.scorer().parameters() instanceof dev.telltale.scheme.GreenListParameters
        ? acc.green()
        : acc.sum();
  }
}
