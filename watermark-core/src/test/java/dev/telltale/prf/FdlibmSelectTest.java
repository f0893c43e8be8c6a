package dev.telltale.prf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The branch-free log1p returns {@link StrictMath#log1p}'s bits: on every uniform the vLLM PRF can
 * give, from the float and from the mantissa (so every vLLM Gumbel score is unchanged), on random
 * arguments, and where fdlibm's rare branches are taken ({@code 1 + x} a power of two or just below
 * one, {@code k == 0} at the edge of the reductions).
 */
class FdlibmSelectTest {
  private static void assertSameBits(double x) {
    assertEquals(
        Double.doubleToRawLongBits(StrictMath.log1p(x)),
        Double.doubleToRawLongBits(Fdlibm.log1pSelect(x)),
        () -> "log1p(" + x + ")");
  }

  @Test
  void everyPrfUniform() {
    for (int m = 0; m < 1 << 24; m++) {
      float u = (float) ((m + 1) / 16777217.0);
      double expected = -StrictMath.log1p(-(double) u);
      double actual = VllmPrf.gumbelScore(u);
      if (Double.doubleToRawLongBits(expected) != Double.doubleToRawLongBits(actual)) {
        assertEquals(expected, actual, "gumbelScore of mantissa " + m);
      }
      double ofMantissa = VllmPrf.gumbelScoreOfMantissa(m);
      if (Double.doubleToRawLongBits(expected) != Double.doubleToRawLongBits(ofMantissa)) {
        assertEquals(expected, ofMantissa, "gumbelScoreOfMantissa " + m);
      }
    }
  }

  @Test
  void randomArguments() {
    SplittableRandom rnd = new SplittableRandom(20261215L);
    for (int i = 0; i < 2_000_000; i++) {
      assertSameBits(-rnd.nextDouble());
      assertSameBits(-(double) Float.intBitsToFloat(rnd.nextInt(0x3f800000)));
      assertSameBits(-Double.longBitsToDouble(rnd.nextLong(0x3ff0000000000000L)));
      assertSameBits(rnd.nextDouble() * 4 - 2);
    }
  }

  @Test
  void rareBranchesAndEdges() {
    SplittableRandom rnd = new SplittableRandom(20261216L);
    for (int e = 1; e <= 30; e++) {
      double p = Math.scalb(1.0, -e);
      // 1 + x = 2^-e (f = 0 after the reduction), a little above it (|f| < 2^-20) and just below
      // it (fdlibm halves u: hu = (2^20 - hu) >> 2, zero for the top mantissas)
      for (int d = -64; d <= 64; d++) {
        assertSameBits(p - 1 + d * Math.ulp(p));
        assertSameBits(p * (1 + d * 0x1p-40) - 1);
        assertSameBits(p * (1 - Math.abs(d) * 0x1p-22) - 1);
      }
      for (int i = 0; i < 2000; i++) {
        assertSameBits(p * (1 + rnd.nextDouble() * 0x1p-19) - 1);
        assertSameBits(p * (2 - rnd.nextDouble() * 0x1p-18) - 1);
      }
    }
    // the edge of the two reductions (ax = 0x3fd2bec3) and of the halving (hu = 0x6a09e)
    double edge = -0.2928932188134524;
    for (int d = -200_000; d <= 200_000; d++) {
      assertSameBits(edge + d * Math.ulp(edge));
    }
    double[] edges = {
      0.0,
      -0.0,
      -1.0,
      1.0,
      -0.5,
      -0.25,
      -0.75,
      -Math.ulp(1.0),
      -1 + Math.ulp(1.0),
      -0x1p-29,
      -0x1p-30,
      -0x1p-54,
      -0.2929,
      -0.29289321881345254,
      Double.NaN,
      Double.NEGATIVE_INFINITY,
      Double.POSITIVE_INFINITY,
      -2.0,
      Double.MIN_VALUE,
      -Double.MIN_VALUE
    };
    for (double x : edges) {
      assertSameBits(x);
    }
  }
}
