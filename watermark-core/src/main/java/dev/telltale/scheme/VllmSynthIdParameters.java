package dev.telltale.scheme;

import java.util.OptionalInt;

/**
 * vLLM's {@code synthid} watermark (SynthID-Text's reweighting on vLLM's Philox PRF, at vLLM commit
 * 0265d6bd): the g-values of candidate v in a context are the {@code depth} low bits of the raw
 * Philox word of (context, v); generation reweights the softmax once per bit, {@code p <- p (1 + g
 * - sum_v g p)}, and samples from the result; detection counts the g-values equal to 1 over the
 * scored tokens. Carries no key material.
 */
public record VllmSynthIdParameters(
    int contextWidth,
    VllmDedup generationDedup,
    OptionalInt maxHistory,
    boolean detectionDedup,
    int depth)
    implements VllmParameters {
  /** vLLM's default and largest depth: the bits of one 32-bit Philox word. */
  public static final int MAX_DEPTH = 32;

  public VllmSynthIdParameters {
    VllmParameters.checkCommon(contextWidth, generationDedup, maxHistory);
    if (depth < 1 || depth > MAX_DEPTH) {
      throw new IllegalArgumentException(
          "SynthID depth must be between 1 and " + MAX_DEPTH + ", got " + depth);
    }
  }

  @Override
  public String schemeName() {
    return "vllm-synthid";
  }

  @Override
  public String algorithm() {
    return "synthid";
  }

  @Override
  public boolean embedsThroughBias() {
    return true;
  }

  /** The g-values of one token: {@code depth} fair bits under the null, so {@code depth / 2}. */
  @Override
  public double nullMean() {
    return depth / 2.0;
  }

  /** The mask of the word bits that are g-values. */
  public int gMask() {
    return depth == MAX_DEPTH ? -1 : (1 << depth) - 1;
  }

  /** The number of g-values equal to 1 in a raw Philox word. */
  public int gCount(int word) {
    return Integer.bitCount(word & gMask());
  }

  @Override
  public String profile() {
    return VllmParameters.super.profile() + " depth=" + depth;
  }
}
