package dev.telltale.detect;

import dev.telltale.collect.ThreadScratch;

/**
 * One dedup tape per thread for the detections it runs one after another, so that a detection does
 * not allocate a table the size of its text: {@link #take} clears it, {@link #release} lets go of
 * one a huge text grew. A tape is taken by one scoring pass (or one text's forms) at a time.
 */
final class TapeScratch {
  private static final ThreadLocal<ExactTape> TAPE =
      ThreadLocal.withInitial(() -> new ExactTape(1024));

  private TapeScratch() {}

  /** This thread's tape, empty. */
  static ExactTape take() {
    ExactTape tape = TAPE.get();
    tape.clear();
    return tape;
  }

  /** Ends a use of {@code tape}: one grown past {@value ThreadScratch#KEPT} tuples is dropped. */
  static void release(ExactTape tape) {
    if (tape.size() > ThreadScratch.KEPT) {
      TAPE.set(new ExactTape(1024));
    }
  }
}
