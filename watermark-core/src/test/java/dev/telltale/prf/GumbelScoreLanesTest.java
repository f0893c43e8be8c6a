package dev.telltale.prf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Gumbel scores of a block of fingerprints ({@link PhiloxBatch#gumbelScores}) are {@link
 * VllmPrf#gumbelScoreOfMantissa}'s bits on both paths: on every one of the 2^24 mantissas (so every
 * vLLM Gumbel score), with random high bits above them (which the score ignores), and in blocks of
 * every length (the lanes' tail). Surefire adds {@code jdk.incubator.vector}.
 */
class GumbelScoreLanesTest {
  private static final int BLOCK = 64;

  private static PhiloxBatch vector() {
    Optional<PhiloxBatch> v = PhiloxBatch.vector(BLOCK);
    assertTrue(v.isPresent(), "surefire adds --add-modules jdk.incubator.vector for this module");
    return v.orElseThrow();
  }

  @Test
  void everyMantissaOnBothPaths() {
    PhiloxBatch[] paths = {PhiloxBatch.scalar(BLOCK), vector()};
    SplittableRandom rnd = new SplittableRandom(20261206L);
    long[] fps = new long[BLOCK];
    double[] out = new double[BLOCK];
    for (PhiloxBatch path : paths) {
      for (int base = 0; base < 1 << 24; base += BLOCK) {
        for (int j = 0; j < BLOCK; j++) {
          fps[j] = (rnd.nextLong() & ~0xFFFFFFL) | (base + j);
        }
        path.gumbelScores(fps, BLOCK, out);
        for (int j = 0; j < BLOCK; j++) {
          double expected = VllmPrf.gumbelScoreOfMantissa(base + j);
          if (Double.doubleToRawLongBits(expected) != Double.doubleToRawLongBits(out[j])) {
            assertEquals(expected, out[j], "mantissa " + (base + j));
          }
        }
      }
    }
  }

  @Test
  void everyBlockLength() {
    PhiloxBatch lanes = vector();
    SplittableRandom rnd = new SplittableRandom(20261207L);
    long[] fps = new long[BLOCK];
    double[] out = new double[BLOCK];
    for (int n = 0; n <= BLOCK; n++) {
      for (int j = 0; j < BLOCK; j++) {
        fps[j] = rnd.nextLong();
        out[j] = -1;
      }
      lanes.gumbelScores(fps, n, out);
      for (int j = 0; j < BLOCK; j++) {
        double expected = j < n ? VllmPrf.gumbelScoreOfMantissa((int) fps[j]) : -1;
        assertEquals(
            Double.doubleToRawLongBits(expected),
            Double.doubleToRawLongBits(out[j]),
            "length " + n + " index " + j);
      }
    }
  }
}
