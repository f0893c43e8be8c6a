package dev.telltale.cli;

/** Exit codes of every telltale command, in one place. */
public final class ExitCode {
  /** Success; for detection: the watermark was detected; for verification: valid. */
  public static final int OK = 0;

  /** Detection ran and found no watermark (or a verification failed). */
  public static final int NOT_DETECTED = 1;

  /** Bad input: missing or unreadable file, invalid UTF-8, empty text, bad key file, bad option. */
  public static final int BAD_INPUT = 2;

  /** A bug or an environment failure. */
  public static final int INTERNAL = 3;

  private ExitCode() {}
}
