package dev.telltale.service;

/**
 * A request failed for a reason the client should hear about. The central failure handler turns it
 * into an RFC 9457 problem+json body; {@code detail} must name the problem without echoing secrets
 * or submitted text.
 */
public final class ProblemException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String type;
  private final String title;

  public ProblemException(int status, String type, String title, String detail) {
    super(detail, null, false, false);
    this.status = status;
    this.type = type;
    this.title = title;
  }

  public static ProblemException badRequest(String type, String detail) {
    return new ProblemException(400, type, "Bad request", detail);
  }

  public static ProblemException notFound(String type, String detail) {
    return new ProblemException(404, type, "Not found", detail);
  }

  public int status() {
    return status;
  }

  /** The problem type's short name; the body's {@code type} is a URI ending in it. */
  public String type() {
    return type;
  }

  public String title() {
    return title;
  }

  public String detail() {
    return getMessage();
  }
}
