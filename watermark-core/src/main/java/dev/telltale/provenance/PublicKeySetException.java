package dev.telltale.provenance;

/** A public key set document cannot be parsed; the message names the problem. */
public final class PublicKeySetException extends Exception {
  private static final long serialVersionUID = 1L;

  public PublicKeySetException(String message) {
    super(message);
  }
}
