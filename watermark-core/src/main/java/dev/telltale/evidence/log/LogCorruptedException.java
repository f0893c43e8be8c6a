package dev.telltale.evidence.log;

import java.io.IOException;

/**
 * A log file is damaged before its end (or disagrees with its signed tree head); never repaired.
 */
public final class LogCorruptedException extends IOException {
  private static final long serialVersionUID = 1L;

  public LogCorruptedException(String message) {
    super(message);
  }
}
