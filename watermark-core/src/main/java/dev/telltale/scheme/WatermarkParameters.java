package dev.telltale.scheme;

/** What a watermark embeds and how it is detected. Carries no key material. */
public sealed interface WatermarkParameters
    permits GreenListParameters, GumbelParameters, VllmParameters {
  int MIN_CONTEXT_WIDTH = 1;
  int MAX_CONTEXT_WIDTH = 8;

  /** Number of preceding tokens that seed the PRF at each position. */
  int contextWidth();

  /** Short scheme name used in files and reports: {@code kgw} or {@code gumbel}. */
  String schemeName();

  /**
   * Whether contexts skip tokens with no letter or digit (the robust-context option, {@code
   * dev.telltale.text.ContextSkip}): such tokens never enter a context and are never scored, so
   * inserting or deleting them (markers, punctuation, spacing) changes no context. Off unless the
   * key declares it; vLLM's schemes never do.
   */
  default boolean robustContext() {
    return false;
  }

  static void checkContextWidth(int h) {
    if (h < MIN_CONTEXT_WIDTH || h > MAX_CONTEXT_WIDTH) {
      throw new IllegalArgumentException(
          "context width must be in "
              + MIN_CONTEXT_WIDTH
              + ".."
              + MAX_CONTEXT_WIDTH
              + ", got "
              + h);
    }
  }
}
