package dev.telltale.detect;

import dev.telltale.collect.LongOpenHashSet;

/** A dedup tape that remembers every tuple fingerprint exactly. */
public final class ExactTape implements DedupTape {
  private final LongOpenHashSet seen;

  public ExactTape(int expectedTuples) {
    this.seen = new LongOpenHashSet(expectedTuples);
  }

  @Override
  public boolean firstSeen(long fingerprint) {
    return seen.add(fingerprint);
  }

  /**
   * Reads the table slot of {@code fingerprint} ahead of {@link #firstSeen}; see {@link
   * LongOpenHashSet#touch}.
   */
  public long touch(long fingerprint) {
    return seen.touch(fingerprint);
  }

  /**
   * {@link #firstSeen} of {@code fingerprints[0 .. n)} in order, into bit {@code i} of {@code
   * fresh}; see {@link LongOpenHashSet#addEach}, whose scratch {@code order} and {@code grouped}
   * are.
   */
  public void firstSeenEach(long[] fingerprints, int n, long[] fresh, int[] order, long[] grouped) {
    seen.addEach(fingerprints, n, fresh, order, grouped);
  }

  @Override
  public void clear() {
    seen.clear();
  }

  public int size() {
    return seen.size();
  }
}
