package dev.telltale.scheme;

import java.util.Objects;
import java.util.Optional;

/**
 * Green-list (KGW) watermark: in each context a keyed pseudo-random share {@code gamma} of the
 * vocabulary is green and gets {@code delta} added to its logit.
 *
 * @param gamma share of green tokens, in (0, 1)
 * @param delta logit bias added to green tokens, in (0, 20]
 * @param contextWidth preceding tokens that seed the green list, 1..8
 * @param selfHash whether the candidate token itself is hashed into the seed
 * @param payload the account payload layer nested in the green list, if the key carries one; it
 *     leaves the green list (and so zero-bit detection) unchanged
 * @param robustContext whether contexts skip tokens with no letter or digit (see {@link
 *     WatermarkParameters#robustContext()})
 */
public record GreenListParameters(
    double gamma,
    double delta,
    int contextWidth,
    boolean selfHash,
    Optional<PayloadParameters> payload,
    boolean robustContext)
    implements WatermarkParameters {
  public static final double DEFAULT_GAMMA = 0.25;
  public static final double DEFAULT_DELTA = 2.0;
  public static final int DEFAULT_CONTEXT_WIDTH = 2;
  public static final double MAX_DELTA = 20.0;

  private static final double TWO_53 = 0x1p53;

  public GreenListParameters {
    if (!(gamma > 0.0 && gamma < 1.0)) {
      throw new IllegalArgumentException("gamma must be in (0, 1), got " + gamma);
    }
    if (!(delta > 0.0 && delta <= MAX_DELTA)) {
      throw new IllegalArgumentException("delta must be in (0, " + MAX_DELTA + "], got " + delta);
    }
    WatermarkParameters.checkContextWidth(contextWidth);
    if (greenThreshold(gamma) == 0) {
      throw new IllegalArgumentException("gamma is too small to be represented: " + gamma);
    }
    Objects.requireNonNull(payload, "payload");
  }

  /** Parameters without a payload layer. */
  public GreenListParameters(double gamma, double delta, int contextWidth, boolean selfHash) {
    this(gamma, delta, contextWidth, selfHash, Optional.empty());
  }

  /** Parameters with ordinary (not robust) contexts. */
  public GreenListParameters(
      double gamma,
      double delta,
      int contextWidth,
      boolean selfHash,
      Optional<PayloadParameters> payload) {
    this(gamma, delta, contextWidth, selfHash, payload, false);
  }

  /** The same green list with the payload layer {@code p}. */
  public GreenListParameters withPayload(PayloadParameters p) {
    return new GreenListParameters(
        gamma, delta, contextWidth, selfHash, Optional.of(p), robustContext);
  }

  /** The same parameters with the robust-context option set to {@code robust}. */
  public GreenListParameters withRobustContext(boolean robust) {
    return new GreenListParameters(gamma, delta, contextWidth, selfHash, payload, robust);
  }

  public static Builder builder() {
    return new Builder();
  }

  public static GreenListParameters defaults() {
    return builder().build();
  }

  @Override
  public String schemeName() {
    return "kgw";
  }

  /** A token is green iff the top 53 bits of its PRF value are below this threshold. */
  public long greenThreshold() {
    return greenThreshold(gamma);
  }

  /**
   * The exact probability that a token is green under the null: {@code floor(gamma * 2^53) / 2^53}.
   * Tests use this value, not {@code gamma}, so the p-value is exact.
   */
  public double effectiveGamma() {
    return greenThreshold() / TWO_53;
  }

  private static long greenThreshold(double gamma) {
    return (long) Math.floor(gamma * TWO_53);
  }

  /** Validating builder with the documented defaults. */
  public static final class Builder {
    private double gamma = DEFAULT_GAMMA;
    private double delta = DEFAULT_DELTA;
    private int contextWidth = DEFAULT_CONTEXT_WIDTH;
    private boolean selfHash;
    private PayloadParameters payload;
    private boolean robustContext;

    private Builder() {}

    public Builder gamma(double gamma) {
      this.gamma = gamma;
      return this;
    }

    public Builder delta(double delta) {
      this.delta = delta;
      return this;
    }

    public Builder contextWidth(int contextWidth) {
      this.contextWidth = contextWidth;
      return this;
    }

    public Builder selfHash(boolean selfHash) {
      this.selfHash = selfHash;
      return this;
    }

    /** Adds an account payload layer (none by default). */
    public Builder payload(PayloadParameters payload) {
      this.payload = payload;
      return this;
    }

    /** Contexts skip tokens with no letter or digit (off by default). */
    public Builder robustContext(boolean robustContext) {
      this.robustContext = robustContext;
      return this;
    }

    public GreenListParameters build() {
      return new GreenListParameters(
          gamma, delta, contextWidth, selfHash, Optional.ofNullable(payload), robustContext);
    }
  }
}
