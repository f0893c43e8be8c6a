package dev.telltale.collect;

/**
 * The rule every per-thread scratch buffer of detection follows: a thread keeps its buffers between
 * calls, so that a detection allocates only its results, and lets go of one after a call that grew
 * it past {@link #KEPT} elements, so that one huge text does not stay in memory with the thread.
 */
public final class ThreadScratch {
  /** Elements past which a kept buffer is let go after use (a 75 KB text stays under it). */
  public static final int KEPT = 1 << 17;

  private ThreadScratch() {}
}
