package dev.telltale.prf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The Java log1p returns {@link StrictMath#log1p}'s bits, so vLLM Gumbel scores are unchanged. */
class FdlibmTest {
  private static void assertSameBits(double x) {
    assertEquals(
        Double.doubleToRawLongBits(StrictMath.log1p(x)),
        Double.doubleToRawLongBits(Fdlibm.log1p(x)),
        () -> "log1p(" + x + ")");
  }

  /** Every uniform the PRF can give: 2^24 mantissas, what every vLLM Gumbel score reads. */
  @Test
  void everyPrfUniform() {
    for (int m = 0; m < 1 << 24; m++) {
      float u = (float) ((m + 1) / 16777217.0);
      double expected = -StrictMath.log1p(-(double) u);
      if (Double.doubleToRawLongBits(expected)
          != Double.doubleToRawLongBits(VllmPrf.gumbelScore(u))) {
        assertSameBits(-(double) u);
      }
    }
  }

  @Test
  void otherArguments() {
    SplittableRandom rnd = new SplittableRandom(20261206L);
    for (int i = 0; i < 2_000_000; i++) {
      assertSameBits(-rnd.nextDouble());
      assertSameBits(-(double) Float.intBitsToFloat(rnd.nextInt(0x3f800000)));
      assertSameBits(-Double.longBitsToDouble(rnd.nextLong(0x3ff0000000000000L)));
      assertSameBits(rnd.nextDouble() * 4 - 2);
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
      -0.2928932188134524,
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
