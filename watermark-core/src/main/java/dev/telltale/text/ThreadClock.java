package dev.telltale.text;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The JVM's thread bean, looked up once: {@link ManagementFactory#getThreadMXBean} checks
 * permissions and finds the bean on every call, and {@link Deadline#threadCpu} is made once per
 * request.
 */
final class ThreadClock {
  static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private ThreadClock() {}
}
