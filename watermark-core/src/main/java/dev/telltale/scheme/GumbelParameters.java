package dev.telltale.scheme;

/**
 * Distortion-free Gumbel-max watermark (Aaronson): the next token is {@code argmax r_v^(1/p_v)}
 * with keyed pseudo-random {@code r_v}; detection sums {@code -ln(1 - r)} over scored tokens.
 *
 * @param contextWidth preceding tokens that seed the PRF, 1..8
 */
public record GumbelParameters(int contextWidth) implements WatermarkParameters {
  public static final int DEFAULT_CONTEXT_WIDTH = 2;

  public GumbelParameters {
    WatermarkParameters.checkContextWidth(contextWidth);
  }

  public static Builder builder() {
    return new Builder();
  }

  public static GumbelParameters defaults() {
    return builder().build();
  }

  @Override
  public String schemeName() {
    return "gumbel";
  }

  /** Validating builder with the documented defaults. */
  public static final class Builder {
    private int contextWidth = DEFAULT_CONTEXT_WIDTH;

    private Builder() {}

    public Builder contextWidth(int contextWidth) {
      this.contextWidth = contextWidth;
      return this;
    }

    public GumbelParameters build() {
      return new GumbelParameters(contextWidth);
    }
  }
}
