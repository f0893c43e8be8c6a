package dev.telltale.forensics.scan;

/**
 * Watches a corpus scan: progress after every batch of documents, and a cancel request checked
 * between batches (a cancelled scan writes a checkpoint first, so it can be resumed). Called from
 * the scan's reading thread.
 */
public interface ScanListener {
  ScanListener NONE = new ScanListener() {};

  /** Documents, tokens and source bytes done so far (resumed work included). */
  default void progress(ScanProgress progress) {}

  /** Checked between batches; true stops the scan after a checkpoint. */
  default boolean cancelRequested() {
    return false;
  }

  /**
   * Progress of a scan.
   *
   * @param documents documents scored
   * @param tokens tokens scored
   * @param bytes source bytes read
   * @param malformedLines malformed JSONL lines skipped
   */
  record ScanProgress(long documents, long tokens, long bytes, long malformedLines) {}
}
