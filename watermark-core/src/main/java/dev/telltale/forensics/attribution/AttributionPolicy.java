package dev.telltale.forensics.attribution;

import dev.telltale.detect.DetectionPolicy;
import java.util.Objects;

/**
 * How attribution decides: the zero-bit detection policy that must pass before any payload is
 * decoded, the significance level of naming an account (on the corrected p-value), and how many
 * candidates list decoding reports. Defaults: the strict detection defaults (alpha 1e-6), account
 * alpha 1e-3, five candidates.
 *
 * @param detection zero-bit gate
 * @param alpha level at which the decoded account is named
 * @param candidates list-decoding size, 1..1000
 */
public record AttributionPolicy(DetectionPolicy detection, double alpha, int candidates) {
  public static final double DEFAULT_ALPHA = 1e-3;
  public static final int DEFAULT_CANDIDATES = 5;

  public AttributionPolicy {
    Objects.requireNonNull(detection, "detection");
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("attribution alpha must be in (0, 1), got " + alpha);
    }
    if (candidates < 1 || candidates > 1000) {
      throw new IllegalArgumentException("candidates must be in 1..1000, got " + candidates);
    }
  }

  public static AttributionPolicy defaults() {
    return new AttributionPolicy(DetectionPolicy.defaults(), DEFAULT_ALPHA, DEFAULT_CANDIDATES);
  }

  public AttributionPolicy withDetection(DetectionPolicy d) {
    return new AttributionPolicy(d, alpha, candidates);
  }

  public AttributionPolicy withAlpha(double a) {
    return new AttributionPolicy(detection, a, candidates);
  }

  public AttributionPolicy withCandidates(int k) {
    return new AttributionPolicy(detection, alpha, k);
  }
}
