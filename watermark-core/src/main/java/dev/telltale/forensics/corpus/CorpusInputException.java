package dev.telltale.forensics.corpus;

/**
 * A corpus that cannot be read as asked: a missing file, a binary or non-UTF-8 file, a JSONL record
 * without the text field, or no documents at all. The message is one line naming the problem and
 * where it is.
 */
public final class CorpusInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CorpusInputException(String message) {
    super(message);
  }

  public CorpusInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
