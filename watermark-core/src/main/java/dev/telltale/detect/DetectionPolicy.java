package dev.telltale.detect;

import java.util.Arrays;

/**
 * How a detection decides: the significance level {@code alpha} of the verdict and, when {@code
 * window} is set, the window sizes (in scored tuples) of the best-window search. Strict defaults:
 * alpha 1e-6, no window.
 */
public record DetectionPolicy(double alpha, boolean window, int[] windowSizes) {
  public static final double DEFAULT_ALPHA = 1e-6;
  private static final int[] DEFAULT_SIZES = {32, 64, 128, 256, 512, 1024, 2048, 4096};

  public DetectionPolicy {
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
    }
    windowSizes = windowSizes.clone();
    for (int s : windowSizes) {
      if (s < 2) {
        throw new IllegalArgumentException("window sizes must be at least 2, got " + s);
      }
    }
  }

  public static DetectionPolicy defaults() {
    return new DetectionPolicy(DEFAULT_ALPHA, false, DEFAULT_SIZES);
  }

  public DetectionPolicy withAlpha(double alpha) {
    return new DetectionPolicy(alpha, window, windowSizes);
  }

  public DetectionPolicy withWindow(boolean window) {
    return new DetectionPolicy(alpha, window, windowSizes);
  }

  @Override
  public int[] windowSizes() {
    return windowSizes.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DetectionPolicy p
        && alpha == p.alpha
        && window == p.window
        && Arrays.equals(windowSizes, p.windowSizes);
  }

  @Override
  public int hashCode() {
    return Double.hashCode(alpha) * 31 + Arrays.hashCode(windowSizes) + (window ? 1 : 0);
  }

  @Override
  public String toString() {
    return "DetectionPolicy[alpha="
        + alpha
        + ", window="
        + window
        + ", sizes="
        + Arrays.toString(windowSizes)
        + "]";
  }
}
