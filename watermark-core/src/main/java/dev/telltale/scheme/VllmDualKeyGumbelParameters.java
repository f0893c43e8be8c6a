package dev.telltale.scheme;

import java.util.OptionalInt;

/**
 * vLLM's {@code dual_key_gumbel} watermark: two Gumbel keys derived from the key ({@code
 * SHA-256("key_a" || key)}, {@code SHA-256("key_b" || key)}); each step is routed to key B with
 * probability {@code generationAlpha}. Detection scores {@code (1 - a) sA + a sB} per token with
 * {@code a = detectionAlpha}.
 */
public record VllmDualKeyGumbelParameters(
    int contextWidth,
    VllmDedup generationDedup,
    OptionalInt maxHistory,
    boolean detectionDedup,
    double generationAlpha,
    double detectionAlpha)
    implements VllmParameters {
  public VllmDualKeyGumbelParameters {
    VllmParameters.checkCommon(contextWidth, generationDedup, maxHistory);
    checkAlpha("alpha", generationAlpha);
    checkAlpha("detection_alpha", detectionAlpha);
  }

  private static void checkAlpha(String name, double a) {
    if (!(a >= 0.0 && a <= 1.0)) {
      throw new IllegalArgumentException(name + " must be in [0, 1], got " + a);
    }
  }

  @Override
  public String schemeName() {
    return "vllm-dual-key-gumbel";
  }

  @Override
  public String algorithm() {
    return "dual_key_gumbel";
  }

  @Override
  public String profile() {
    return VllmParameters.super.profile()
        + " alpha="
        + generationAlpha
        + " detection_alpha="
        + detectionAlpha;
  }
}
