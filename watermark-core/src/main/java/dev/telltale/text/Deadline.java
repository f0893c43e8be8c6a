package dev.telltale.text;

import java.lang.management.ThreadMXBean;
import java.time.Duration;

/**
 * When long work (tokenising, scoring) must stop: work checks {@link #check()} between pieces of
 * bounded cost (a chunk of text, a key), so a request that costs more than its budget is stopped
 * there and its thread is free again. {@link #NONE} never passes; a deadline built by {@link
 * #threadCpu} counts the CPU time of the thread that built it, so a loaded machine does not stop
 * work that is only waiting for a core.
 */
@FunctionalInterface
public interface Deadline {
  /** A deadline that never passes: work runs to its end. */
  Deadline NONE = () -> false;

  /** Whether the work should stop now. */
  boolean passed();

  /** Throws {@link DeadlineExceededException} once the deadline has passed. */
  default void check() {
    if (passed()) {
      throw new DeadlineExceededException();
    }
  }

  /**
   * Passes once the calling thread has used {@code budget} of CPU time from now on; check it only
   * on that thread. Where the JVM cannot measure a thread's CPU time, wall-clock time counts.
   */
  static Deadline threadCpu(Duration budget) {
    ThreadMXBean threads = ThreadClock.THREADS;
    long nanos = budget.toNanos();
    if (!threads.isCurrentThreadCpuTimeSupported()) {
      return wallClock(budget);
    }
    long cpuEnd = threads.getCurrentThreadCpuTime() + nanos;
    long wallEnd = System.nanoTime() + nanos;
    // A thread cannot use more CPU time than the wall time that went by, so the cheap clock
    // answers most checks and the thread's CPU clock (a system call) is read only after that.
    return () -> System.nanoTime() - wallEnd > 0 && threads.getCurrentThreadCpuTime() - cpuEnd > 0;
  }

  /** Passes once {@code budget} of wall-clock time has gone by from now. */
  static Deadline wallClock(Duration budget) {
    long end = System.nanoTime() + budget.toNanos();
    return () -> System.nanoTime() - end > 0;
  }
}
