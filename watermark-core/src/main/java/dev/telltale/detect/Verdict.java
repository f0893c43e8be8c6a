package dev.telltale.detect;

/** The decision at the policy's alpha. */
public enum Verdict {
  WATERMARKED("watermarked"),
  NOT_WATERMARKED("not_watermarked");

  private final String label;

  Verdict(String label) {
    this.label = label;
  }

  /** Lower-case label used in JSON output. */
  public String label() {
    return label;
  }
}
