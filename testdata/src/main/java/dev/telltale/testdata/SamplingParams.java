package dev.telltale.testdata;

/**
 * Decoding settings, applied in the order of common serving stacks: temperature, then top-k, then
 * top-p (nucleus) on the tempered distribution.
 *
 * @param temperature positive and finite; logits are divided by it
 * @param topK how many of the most likely tokens stay candidates; 0 turns the cut off
 * @param topP smallest probability mass of the nucleus, in (0, 1]; 1 turns the cut off
 */
public record SamplingParams(double temperature, int topK, double topP) {
  public static final double DEFAULT_TEMPERATURE = 1.0;
  public static final int DEFAULT_TOP_K = 50;
  public static final double DEFAULT_TOP_P = 1.0;

  public SamplingParams {
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("temperature must be positive, got " + temperature);
    }
    if (topK < 0) {
      throw new IllegalArgumentException("topK must be >= 0 (0 = off), got " + topK);
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
    }
  }

  /** Temperature 1, top-k 50, top-p off. */
  public static SamplingParams defaults() {
    return new SamplingParams(DEFAULT_TEMPERATURE, DEFAULT_TOP_K, DEFAULT_TOP_P);
  }

  public SamplingParams withTemperature(double t) {
    return new SamplingParams(t, topK, topP);
  }

  public SamplingParams withTopK(int k) {
    return new SamplingParams(temperature, k, topP);
  }

  public SamplingParams withTopP(double p) {
    return new SamplingParams(temperature, topK, p);
  }
}
