package dev.telltale.prf;

/**
 * fdlibm's {@code log1p} on {@code -1 < x < 0}, in Java: the same operations in the same order as
 * fdlibm 5.3's {@code s_log1p.c} (Sun Microsystems, 1993; "Permission to use, copy, modify, and
 * distribute this software is freely granted, provided that this notice is preserved"), so it
 * returns the bits of {@link StrictMath#log1p}. On Java 17 {@code Math.log1p} is that native
 * function behind a JNI call, which cost more than the rest of a vLLM Gumbel token's score; this
 * path is plain arithmetic the JIT inlines. Other arguments go to {@link StrictMath#log1p}.
 */
final class Fdlibm {
  private static final double LN2_HI = 6.93147180369123816490e-01; // 3fe62e42 fee00000
  private static final double LN2_LO = 1.90821492927058770002e-10; // 3dea39ef 35793c76
  private static final double LP1 = 6.666666666666735130e-01; // 3FE55555 55555593
  private static final double LP2 = 3.999999999940941908e-01; // 3FD99999 9997FA04
  private static final double LP3 = 2.857142874366239149e-01; // 3FD24924 94229359
  private static final double LP4 = 2.222219843214978396e-01; // 3FCC71C5 1D8E78AF
  private static final double LP5 = 1.818357216161805012e-01; // 3FC74664 96CB03DE
  private static final double LP6 = 1.531383769920937332e-01; // 3FC39A09 D078C69F
  private static final double LP7 = 1.479819860511658591e-01; // 3FC2F112 DF3E5244

  private Fdlibm() {}

  /** {@code log(1 + x)}, bit for bit {@link StrictMath#log1p}. */
  static double log1p(double x) {
    int ax = (int) (Double.doubleToRawLongBits(x) >>> 32) & 0x7fffffff;
    if (!(x < 0) || ax >= 0x3ff00000 || ax < 0x3e200000) {
      // x >= 0, x <= -1, |x| < 2^-29 or NaN: fdlibm's other branches.
      return StrictMath.log1p(x);
    }
    int k;
    int hu;
    double f;
    double c = 0;
    if (ax <= 0x3fd2bec3) {
      // -0.2929 < x < 0: f = x exactly.
      k = 0;
      f = x;
      hu = 1;
    } else {
      double u = 1.0 + x;
      long bits = Double.doubleToRawLongBits(u);
      hu = (int) (bits >>> 32);
      k = (hu >> 20) - 1023; // < 0 here
      c = x - (u - 1.0); // the rounding error of 1 + x
      if (c != 0) {
        c /= u;
      }
      hu &= 0x000fffff;
      if (hu < 0x6a09e) {
        u = Double.longBitsToDouble(((long) (hu | 0x3ff00000) << 32) | (bits & 0xFFFFFFFFL));
      } else {
        k += 1;
        u = Double.longBitsToDouble(((long) (hu | 0x3fe00000) << 32) | (bits & 0xFFFFFFFFL));
        hu = (0x00100000 - hu) >> 2;
      }
      f = u - 1.0;
    }
    double hfsq = 0.5 * f * f;
    if (hu == 0) {
      // |f| < 2^-20; k != 0 here
      if (f == 0) {
        c += k * LN2_LO;
        return k * LN2_HI + c;
      }
      double r = hfsq * (1.0 - 0.66666666666666666 * f);
      return k * LN2_HI - ((r - (c + k * LN2_LO)) - f);
    }
    double s = f / (2.0 + f);
    double z = s * s;
    double r = z * (LP1 + z * (LP2 + z * (LP3 + z * (LP4 + z * (LP5 + z * (LP6 + z * LP7))))));
    if (k == 0) {
      return f - (hfsq - s * (hfsq + r));
    }
    return k * LN2_HI - ((hfsq - (s * (hfsq + r) + (c + k * LN2_LO))) - f);
  }
}
