package dev.telltale.detect;

/**
 * Running totals of a scoring pass: positions seen, tuples scored after deduplication, and the
 * statistic (green count for green-list keys, sum of {@code -ln(1 - r)} for Gumbel keys). Mutable
 * and reusable so that scoring allocates nothing.
 */
public final class ScoreAccumulator {
  /** Scratch fingerprints of one block of positions, owned here so scoring allocates nothing. */
  final long[] block = new long[256];

  /** Scratch Philox state of vLLM keys. */
  final int[] words = new int[4];

  // vLLM keys: the fingerprinting of the last key scored and a scratch set of contexts.
  private dev.telltale.prf.VllmPrf vllmPrf;
  private VllmFingerprints vllmFingerprints;
  private dev.telltale.collect.LongOpenHashSet contexts;

  /** The fingerprinting of {@code prf}'s key, kept while the same key is scored. */
  VllmFingerprints vllm(dev.telltale.prf.VllmPrf prf) {
    if (vllmPrf != prf) {
      vllmPrf = prf;
      vllmFingerprints = new VllmFingerprints(prf);
    }
    return vllmFingerprints;
  }

  dev.telltale.collect.LongOpenHashSet contexts() {
    if (contexts == null) {
      contexts = new dev.telltale.collect.LongOpenHashSet(1024);
    } else {
      contexts.clear();
    }
    return contexts;
  }

  // vLLM keys, passes of VllmTupleScorer.GROUPED_FROM tokens or more: the pass's fingerprints and
  // context digests, which digests repeat, which fingerprints the tape had not seen, and the
  // groupings' scratch (grown to the longest pass)
  private long[] passFingerprints = new long[0];
  private long[] passContexts = new long[0];
  private long[] passRepeated = new long[0];
  private long[] passFresh = new long[0];
  private int[] passOrder = new int[0];
  private long[] passGrouped = new long[0];
  private RepeatedContexts repeatedContexts;

  /** Grows the long-pass scratch to {@code n} tokens. */
  void passScratch(int n) {
    if (passFingerprints.length < n) {
      passFingerprints = new long[n];
      passContexts = new long[n];
      passRepeated = new long[(n + 63) >>> 6];
      passFresh = new long[(n + 63) >>> 6];
      passOrder = new int[n];
      passGrouped = new long[n];
    }
    if (repeatedContexts == null) {
      repeatedContexts = new RepeatedContexts();
    }
  }

  long[] passFingerprints() {
    return passFingerprints;
  }

  long[] passContexts() {
    return passContexts;
  }

  long[] passRepeated() {
    return passRepeated;
  }

  long[] passFresh() {
    return passFresh;
  }

  int[] passOrder() {
    return passOrder;
  }

  long[] passGrouped() {
    return passGrouped;
  }

  RepeatedContexts repeatedContexts() {
    return repeatedContexts;
  }

  long positions;
  long scored;
  long duplicates;
  long green;
  double sum;

  public void reset() {
    positions = 0;
    scored = 0;
    duplicates = 0;
    green = 0;
    sum = 0;
  }

  /** Adds another accumulator's totals (pooling disjoint passes that shared one tape). */
  public void add(ScoreAccumulator other) {
    positions += other.positions;
    scored += other.scored;
    duplicates += other.duplicates;
    green += other.green;
    sum += other.sum;
  }

  /** Positions with a full context window. */
  public long positions() {
    return positions;
  }

  /** Tuples scored after deduplication. */
  public long scored() {
    return scored;
  }

  /** Positions skipped because their tuple was already scored. */
  public long duplicates() {
    return duplicates;
  }

  /** Green tuples (green-list keys). */
  public long green() {
    return green;
  }

  /** Sum of per-tuple Gumbel scores. */
  public double sum() {
    return sum;
  }
}
