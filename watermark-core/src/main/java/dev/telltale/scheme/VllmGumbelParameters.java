package dev.telltale.scheme;

import java.util.OptionalInt;

/**
 * vLLM's default {@code gumbel} watermark: the emitted token is {@code argmax(logit_v + G_v)} with
 * float32 Gumbel noise {@code G_v = -ln(-ln u_v)} from the Philox uniform of (context, v);
 * detection sums {@code -ln(1 - u)} and tests it against Gamma(n, 1).
 */
public record VllmGumbelParameters(
    int contextWidth, VllmDedup generationDedup, OptionalInt maxHistory, boolean detectionDedup)
    implements VllmParameters {
  public VllmGumbelParameters {
    VllmParameters.checkCommon(contextWidth, generationDedup, maxHistory);
  }

  @Override
  public String schemeName() {
    return "vllm-gumbel";
  }

  @Override
  public String algorithm() {
    return "gumbel";
  }
}
