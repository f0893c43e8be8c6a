package dev.telltale.cli;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps the INFO logging of the libraries under the token commands (HikariCP's pool start and stop,
 * Flyway's migration report) off the CLI's standard error: a command prints its own result and
 * errors, and library warnings still show. {@code telltale serve} keeps them (they are its log).
 */
final class QuietLibraries {
  // Held here: java.util.logging keeps loggers weakly, and a collected logger forgets its level.
  private static final List<Logger> LOGGERS =
      List.of(
          Logger.getLogger("com.zaxxer.hikari"),
          Logger.getLogger("org.flywaydb"),
          Logger.getLogger("org.h2"));

  private QuietLibraries() {}

  static void apply() {
    for (Logger l : LOGGERS) {
      l.setLevel(Level.WARNING);
    }
  }
}
