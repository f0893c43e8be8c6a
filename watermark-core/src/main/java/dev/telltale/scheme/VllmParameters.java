package dev.telltale.scheme;

import java.util.OptionalInt;

/**
 * The watermarks vLLM embeds natively ({@code vllm/v1/watermarking}), bit for bit: the same PRF
 * ({@code philox4x32-10-v1}), context padding, deduplication and statistics. Their key is vLLM's
 * unsigned 64-bit integer, held as an 8-byte secret. Carries no key material.
 */
public sealed interface VllmParameters extends WatermarkParameters
    permits VllmGumbelParameters,
        VllmDualKeyGumbelParameters,
        VllmSbwParameters,
        VllmRedGreenParameters,
        VllmSynthIdParameters {
  /** vLLM's PRF name and the only version this implementation reads. */
  String PRF = "philox";

  /** Largest context width accepted (vLLM sets no upper bound; the goldens reach 16). */
  int MAX_VLLM_CONTEXT_WIDTH = 64;

  /** The length of a vLLM key held as a secret: 8 bytes, big-endian. */
  int KEY_BYTES = 8;

  /**
   * vLLM's name of the algorithm ({@code gumbel}, {@code dual_key_gumbel}, {@code sbw}, {@code
   * red_green}, {@code synthid}).
   */
  String algorithm();

  /** Generation-time deduplication of contexts. */
  VllmDedup generationDedup();

  /** How far back generation searches for a repeated context; empty means the whole history. */
  OptionalInt maxHistory();

  /**
   * Whether vLLM's detector scores only the first occurrence of each context ({@code vllm_p_value}
   * follows it; Telltale's own p-value always deduplicates).
   */
  boolean detectionDedup();

  /** Whether detection counts green tokens (SBW, red-green) rather than summing Gumbel scores. */
  default boolean countsGreen() {
    return false;
  }

  /**
   * Whether generation embeds through {@code WatermarkSession.bias} (the logits change and the
   * caller samples: SBW, red-green, SynthID) rather than through {@code sample} (the Gumbel schemes
   * choose the token).
   */
  default boolean embedsThroughBias() {
    return countsGreen();
  }

  /** The exact null probability that a token is green (schemes that count green tokens). */
  default double effectiveGamma() {
    throw new UnsupportedOperationException(algorithm() + " has no green list");
  }

  /**
   * The mean of one scored token's statistic under the null: the green share for schemes that count
   * green tokens, 1 for the Gumbel scores, {@code depth / 2} for SynthID's g-value count.
   */
  default double nullMean() {
    return countsGreen() ? effectiveGamma() : 1.0;
  }

  /** The PRF version ({@code philox4x32-10-v1}). */
  default String prfVersion() {
    return dev.telltale.prf.Philox4x32.VERSION;
  }

  /** A one-line profile an investigator can match to a deployment's configuration. */
  default String profile() {
    return algorithm()
        + " prf="
        + prfVersion()
        + " context_width="
        + contextWidth()
        + " dedup="
        + generationDedup().configName()
        + " max_history="
        + (maxHistory().isPresent() ? Integer.toString(maxHistory().getAsInt()) : "none")
        + " detection_dedup="
        + detectionDedup();
  }

  static void checkCommon(int contextWidth, VllmDedup dedup, OptionalInt maxHistory) {
    if (contextWidth < 1 || contextWidth > MAX_VLLM_CONTEXT_WIDTH) {
      throw new IllegalArgumentException(
          "context width must be in 1.." + MAX_VLLM_CONTEXT_WIDTH + ", got " + contextWidth);
    }
    java.util.Objects.requireNonNull(dedup, "generation dedup");
    java.util.Objects.requireNonNull(maxHistory, "max history");
    if (maxHistory.isPresent() && maxHistory.getAsInt() < 1) {
      throw new IllegalArgumentException(
          "deduplicate_contexts_max_history must be positive, got " + maxHistory.getAsInt());
    }
  }
}
