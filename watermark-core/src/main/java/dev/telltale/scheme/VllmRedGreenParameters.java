package dev.telltale.scheme;

import java.util.OptionalInt;

/**
 * vLLM's {@code red_green} watermark (Kirchenbauer et al., at later vLLM commits): a token is green
 * when its float32 Philox uniform for (context, token) is below {@code gamma}; generation adds
 * {@code delta} to green logits; detection counts green tokens against a binomial.
 */
public record VllmRedGreenParameters(
    int contextWidth,
    VllmDedup generationDedup,
    OptionalInt maxHistory,
    boolean detectionDedup,
    double gamma,
    double delta)
    implements VllmParameters {
  public VllmRedGreenParameters {
    VllmParameters.checkCommon(contextWidth, generationDedup, maxHistory);
    if (!(gamma > 0.0 && gamma < 1.0)) {
      throw new IllegalArgumentException("gamma must be in (0, 1), got " + gamma);
    }
    if (!(delta > 0.0 && delta <= GreenListParameters.MAX_DELTA)) {
      throw new IllegalArgumentException(
          "delta must be in (0, " + GreenListParameters.MAX_DELTA + "], got " + delta);
    }
    if (greenMantissas((float) gamma) == 0) {
      throw new IllegalArgumentException("gamma is too small to be represented: " + gamma);
    }
  }

  @Override
  public String schemeName() {
    return "vllm-red-green";
  }

  @Override
  public String algorithm() {
    return "red_green";
  }

  @Override
  public boolean countsGreen() {
    return true;
  }

  /**
   * The exact null probability of green: the share of the 2^24 Philox mantissas m whose float32
   * uniform {@code ((m + 1) / (2^24 + 1))} is below {@code (float) gamma}.
   */
  @Override
  public double effectiveGamma() {
    return greenMantissas((float) gamma) / 0x1p24;
  }

  // The uniform grows with m, so the green mantissas are 0 .. k-1: binary search for k.
  private static long greenMantissas(float g) {
    long lo = 0;
    long hi = 1L << 24;
    while (lo < hi) {
      long mid = (lo + hi) >>> 1;
      if ((float) ((mid + 1) / 16777217.0) < g) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  @Override
  public String profile() {
    return VllmParameters.super.profile() + " gamma=" + gamma + " delta=" + delta;
  }
}
