package dev.telltale.key;

/** A key set file cannot be read or written. The message names the problem, never key bytes. */
public final class KeyFileException extends Exception {
  private static final long serialVersionUID = 1L;

  public KeyFileException(String message) {
    super(message);
  }

  public KeyFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
