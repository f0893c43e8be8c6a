package dev.telltale.spark;

import dev.telltale.forensics.corpus.CorpusInputException;

/**
 * Maps a failed Spark job back to the scan's own errors: a bad input found on an executor reaches
 * the driver wrapped in a {@code SparkException}; the user should see the input's problem.
 */
final class TaskErrors {
  private static final String MARK = CorpusInputException.class.getName() + ": ";

  private TaskErrors() {}

  static RuntimeException unwrap(Exception e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CorpusInputException c) {
        return t == e ? c : new CorpusInputException(c.getMessage(), e);
      }
    }
    // The task's exception could not be deserialized: its message still names it.
    String m = String.valueOf(e.getMessage());
    int at = m.indexOf(MARK);
    if (at >= 0) {
      String rest = m.substring(at + MARK.length());
      int nl = rest.indexOf('\n');
      return new CorpusInputException(nl < 0 ? rest : rest.substring(0, nl), e);
    }
    return e instanceof RuntimeException r ? r : new IllegalStateException("Spark job failed", e);
  }
}
