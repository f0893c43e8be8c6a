package dev.telltale.detect;

/**
 * Remembers which (context window, token) tuples were already scored, so each is counted once.
 * Exact implementations never forget; a bounded one may report a new tuple as seen, which skips it:
 * that loses power but never validity.
 */
public interface DedupTape {
  /** Records {@code fingerprint}; true if it was not seen before (the tuple is scored). */
  boolean firstSeen(long fingerprint);

  /** Forgets everything. */
  void clear();
}
