package dev.telltale.scheme;

/**
 * Distortion-free Gumbel-max watermark (Aaronson): the next token is {@code argmax r_v^(1/p_v)}
 * with keyed pseudo-random {@code r_v}; detection sums {@code -ln(1 - r)} over scored tokens.
 *
 * @param contextWidth preceding tokens that seed the PRF, 1..8
 * @param robustContext whether contexts skip tokens with no letter or digit (see {@link
 *     WatermarkParameters#robustContext()})
 */
public record GumbelParameters(int contextWidth, boolean robustContext)
    implements WatermarkParameters {
  public static final int DEFAULT_CONTEXT_WIDTH = 2;

  public GumbelParameters {
    WatermarkParameters.checkContextWidth(contextWidth);
  }

  /** Parameters with ordinary (not robust) contexts. */
  public GumbelParameters(int contextWidth) {
    this(contextWidth, false);
  }

  /** The same parameters with the robust-context option set to {@code robust}. */
  public GumbelParameters withRobustContext(boolean robust) {
    return new GumbelParameters(contextWidth, robust);
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
    private boolean robustContext;

    private Builder() {}

    public Builder contextWidth(int contextWidth) {
      this.contextWidth = contextWidth;
      return this;
    }

    /** Contexts skip tokens with no letter or digit (off by default). */
    public Builder robustContext(boolean robustContext) {
      this.robustContext = robustContext;
      return this;
    }

    public GumbelParameters build() {
      return new GumbelParameters(contextWidth, robustContext);
    }
  }
}
