package dev.telltale.scheme;

/**
 * vLLM's generation-time context deduplication ({@code deduplicate_contexts}): which earlier
 * contexts make a step sample without the watermark.
 */
public enum VllmDedup {
  /** Every step is watermarked. */
  NONE("none"),
  /** A context already used earlier in the generated text is not watermarked again. */
  SINGLE_TURN("single_turn"),
  /**
   * As {@link #SINGLE_TURN}, searching the prompt as well; steps with fewer than {@code
   * context_width} generated tokens are never watermarked.
   */
  ALL("all");

  private final String configName;

  VllmDedup(String configName) {
    this.configName = configName;
  }

  /** The value of vLLM's {@code deduplicate_contexts} setting. */
  public String configName() {
    return configName;
  }

  /** The mode named {@code name} in vLLM's configuration. */
  public static VllmDedup ofConfigName(String name) {
    for (VllmDedup d : values()) {
      if (d.configName.equals(name)) {
        return d;
      }
    }
    throw new IllegalArgumentException(
        "unknown deduplicate_contexts '" + name + "' (expected none, single_turn or all)");
  }
}
