package dev.telltale.text;

/** Work stopped at its {@link Deadline}: nothing it would have produced is valid. */
public final class DeadlineExceededException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DeadlineExceededException() {
    super("the work's time budget is used up", null, false, false);
  }
}
