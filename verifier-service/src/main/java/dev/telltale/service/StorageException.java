package dev.telltale.service;

/** The database failed; the message names the operation, never a token or submitted text. */
public final class StorageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
