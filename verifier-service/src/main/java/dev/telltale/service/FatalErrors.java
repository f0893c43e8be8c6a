package dev.telltale.service;

import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A {@link VirtualMachineError} (an {@link OutOfMemoryError} above all) ends the process, so that a
 * supervisor restarts it: a server that lost a thread or half-built an object graph keeps running
 * but answers nothing, or worse. Installed on the Vert.x instance and as the default uncaught
 * handler; the places that catch {@link Throwable} (the failure handler, scan runners) pass it
 * here.
 */
final class FatalErrors {
  private static final Logger LOG = Logger.getLogger(FatalErrors.class.getName());

  /** What happens to the process; tests replace it. */
  static volatile Consumer<Throwable> halt =
      e -> {
        try {
          LOG.log(Level.SEVERE, "fatal error, exiting so a supervisor restarts the service: " + e);
        } finally {
          Runtime.getRuntime().halt(70);
        }
      };

  private FatalErrors() {}

  /** True (after halting) when {@code e} or a cause is fatal. */
  static boolean check(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof VirtualMachineError) {
        halt.accept(t);
        return true;
      }
    }
    return false;
  }

  /** Installs the check on {@code vertx} and as the JVM's default uncaught exception handler. */
  static void install(io.vertx.core.Vertx vertx) {
    vertx.exceptionHandler(
        e -> {
          if (!check(e)) {
            LOG.log(Level.WARNING, "uncaught exception in a Vert.x handler", e);
          }
        });
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler(
        (t, e) -> {
          if (!check(e) && previous != null) {
            previous.uncaughtException(t, e);
          }
        });
  }
}
