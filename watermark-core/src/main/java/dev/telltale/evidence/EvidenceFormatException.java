package dev.telltale.evidence;

/** An envelope, statement, proof or tree head that is not well-formed; the message says where. */
public final class EvidenceFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  public EvidenceFormatException(String message) {
    super(message);
  }
}
