package dev.telltale.scheme;

import java.util.OptionalInt;

/**
 * vLLM's {@code sbw} watermark (Stateless Bernoulli Watermarking): a token v is green when the
 * Philox word keyed by the effective seed falls below {@code floor(gamma (2^31 - 1))}; generation
 * adds {@code delta} to green logits. The seed is {@code selfhash}'s (vLLM's default: a min-hash of
 * (context, v)) or {@code lefthash}'s (the key times the sum of the context's token ids, the same
 * for every candidate).
 *
 * <p>vLLM's own SBW p-value (a z-test over tokens deduplicated by context) is not valid on natural
 * text: the seed depends mostly on the token itself, so many "new" contexts re-read the same PRF
 * value. Telltale's p-value is an exact binomial test over distinct (seed, token) pairs.
 */
public record VllmSbwParameters(
    int contextWidth,
    VllmDedup generationDedup,
    OptionalInt maxHistory,
    boolean detectionDedup,
    double gamma,
    double delta,
    String sbwScheme)
    implements VllmParameters {
  /** vLLM's default seeding: the anchored min-hash of the context and the candidate. */
  public static final String SELFHASH = "selfhash";

  /**
   * Additive seeding: {@code key * sum(context ids)} (-1 for padding), as vLLM's generator computes
   * it. vLLM's detector at the same commits sums hashed ids instead, so it does not read the marks
   * its generator writes; Telltale detects with the generator's seed.
   */
  public static final String LEFTHASH = "lefthash";

  private static final int INT31_MAX = 0x7FFFFFFF;

  /** {@code selfhash} seeding, vLLM's default. */
  public VllmSbwParameters(
      int contextWidth,
      VllmDedup generationDedup,
      OptionalInt maxHistory,
      boolean detectionDedup,
      double gamma,
      double delta) {
    this(contextWidth, generationDedup, maxHistory, detectionDedup, gamma, delta, SELFHASH);
  }

  public VllmSbwParameters {
    VllmParameters.checkCommon(contextWidth, generationDedup, maxHistory);
    if (!SELFHASH.equals(sbwScheme) && !LEFTHASH.equals(sbwScheme)) {
      throw new IllegalArgumentException(
          "sbw_scheme must be 'selfhash' or 'lefthash', got " + sbwScheme);
    }
    if (!(gamma > 0.0 && gamma < 1.0)) {
      throw new IllegalArgumentException("sbw_gamma must be in (0, 1), got " + gamma);
    }
    if (!(delta >= 0.0 && delta <= GreenListParameters.MAX_DELTA)) {
      throw new IllegalArgumentException(
          "sbw_delta must be in [0, " + GreenListParameters.MAX_DELTA + "], got " + delta);
    }
    if (greenThreshold(gamma) == 0) {
      throw new IllegalArgumentException("sbw_gamma is too small to be represented: " + gamma);
    }
  }

  @Override
  public String schemeName() {
    return "vllm-sbw";
  }

  @Override
  public String algorithm() {
    return "sbw";
  }

  /**
   * Green iff {@code (word & 0x7FFFFFFF) < greenThreshold()}, vLLM's {@code int(gamma * (2^31-1))}.
   */
  public int greenThreshold() {
    return greenThreshold(gamma);
  }

  @Override
  public boolean countsGreen() {
    return true;
  }

  /** The exact null probability that a token is green: {@code greenThreshold() / 2^31}. */
  @Override
  public double effectiveGamma() {
    return greenThreshold() / 0x1p31;
  }

  /** Whether the seed is {@code lefthash}'s (one per context) rather than {@code selfhash}'s. */
  public boolean lefthash() {
    return LEFTHASH.equals(sbwScheme);
  }

  private static int greenThreshold(double gamma) {
    return (int) (gamma * INT31_MAX);
  }

  @Override
  public String profile() {
    return VllmParameters.super.profile()
        + " sbw_scheme="
        + sbwScheme
        + " sbw_gamma="
        + gamma
        + " sbw_delta="
        + delta;
  }
}
