package dev.telltale.detect;

import dev.telltale.scheme.VllmParameters;
import dev.telltale.scheme.VllmSbwParameters;
import dev.telltale.scheme.WatermarkParameters;

/**
 * What a detection counts once, by the key's scheme, as a finding's statement records it ({@code
 * dedup.unit}): the CLI and the service build their statements with it, so both say the same of the
 * same key.
 */
public final class DedupUnit {
  /** Telltale's own schemes: a (context window, token) tuple. */
  public static final String CONTEXT_AND_TOKEN = "context window and token";

  private DedupUnit() {}

  /** The unit of a detection with a key of these parameters. */
  public static String of(WatermarkParameters p) {
    if (p instanceof VllmSbwParameters) {
      return "effective seed and token (vLLM sbw)";
    }
    if (p instanceof VllmParameters v) {
      return "context (vLLM " + v.algorithm() + ")";
    }
    return CONTEXT_AND_TOKEN;
  }
}
