package dev.telltale.forensics.scan;

/**
 * A scan stopped because its listener asked; its work folder holds a checkpoint after {@link
 * #documentsDone()} documents, from which {@link CorpusScan#run} resumes.
 */
public final class ScanCancelledException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final long documentsDone;

  public ScanCancelledException(long documentsDone) {
    super("scan cancelled after " + documentsDone + " documents (checkpoint written)");
    this.documentsDone = documentsDone;
  }

  public long documentsDone() {
    return documentsDone;
  }
}
