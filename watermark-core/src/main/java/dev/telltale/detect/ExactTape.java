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

  @Override
  public void clear() {
    seen.clear();
  }

  public int size() {
    return seen.size();
  }
}
