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
  static final double LN2_HI = 6.93147180369123816490e-01; // 3fe62e42 fee00000
  static final double LN2_LO = 1.90821492927058770002e-10; // 3dea39ef 35793c76
  static final double LP1 = 6.666666666666735130e-01; // 3FE55555 55555593
  static final double LP2 = 3.999999999940941908e-01; // 3FD99999 9997FA04
  static final double LP3 = 2.857142874366239149e-01; // 3FD24924 94229359
  static final double LP4 = 2.222219843214978396e-01; // 3FCC71C5 1D8E78AF
  static final double LP5 = 1.818357216161805012e-01; // 3FC74664 96CB03DE
  static final double LP6 = 1.531383769920937332e-01; // 3FC39A09 D078C69F
  static final double LP7 = 1.479819860511658591e-01; // 3FC2F112 DF3E5244

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

  /**
   * {@link #log1p} again, bit for bit, with the branches of {@code -1 < x < -2^-29} (which of
   * fdlibm's two argument reductions, which half of the reduced range, whether {@code k == 0})
   * turned into bit selects: both sides are computed and one kept. A Gumbel score's uniform picks
   * those branches at random, and their mispredictions, not the arithmetic, were most of its cost;
   * without them the scores of consecutive tokens overlap in the pipeline. The rare cases ({@code
   * |f| < 2^-20}) and other arguments keep their branches.
   */
  static double log1pSelect(double x) {
    int ax = (int) (Double.doubleToRawLongBits(x) >>> 32) & 0x7fffffff;
    if (!(x < 0) || ax >= 0x3ff00000 || ax < 0x3e200000) {
      return StrictMath.log1p(x);
    }
    return log1pInRange(x);
  }

  /**
   * {@link #log1pSelect} of {@code -1 < x < -2^-29} (the caller checks; then the JIT inlines this
   * into a scoring loop, which it does not do for larger methods).
   */
  static double log1pInRange(double x) {
    int ax = (int) (Double.doubleToRawLongBits(x) >>> 32) & 0x7fffffff;
    // fdlibm's second reduction (ax > 0x3fd2bec3), computed for every x
    double u = 1.0 + x;
    long bits = Double.doubleToRawLongBits(u);
    int hu2 = (int) (bits >>> 32);
    int k2 = (hu2 >> 20) - 1023;
    double c2 = (x - (u - 1.0)) / u; // fdlibm divides only when c != 0: +0.0 / u is +0.0 too
    hu2 &= 0x000fffff;
    int up = (0x6a09e - 1 - hu2) >> 31; // -1 iff hu >= 0x6a09e: u/2, k + 1
    double u2 =
        Double.longBitsToDouble(
            ((long) (hu2 | (0x3ff00000 + (up & -0x00100000))) << 32) | (bits & 0xFFFFFFFFL));
    k2 -= up;
    hu2 ^= (hu2 ^ ((0x00100000 - hu2) >> 2)) & up;
    double f2 = u2 - 1.0;
    // -1 iff the second reduction applies; else k = 0, f = x, hu = 1, c = 0
    int second = (0x3fd2bec3 - ax) >> 31;
    int k = k2 & second;
    int hu = hu2 & second | ~second & 1;
    return polynomial(k, hu, select(second, f2, x), select(second, c2, 0.0));
  }

  // log(1 + f) + k ln 2 + c, as fdlibm ends (its own method: the JIT inlines methods this small)
  private static double polynomial(int k, int hu, double f, double c) {
    double hfsq = 0.5 * f * f;
    if (hu == 0) {
      return smallF(k, f, c, hfsq);
    }
    double s = f / (2.0 + f);
    double z = s * s;
    double r = z * (LP1 + z * (LP2 + z * (LP3 + z * (LP4 + z * (LP5 + z * (LP6 + z * LP7))))));
    double k0 = f - (hfsq - s * (hfsq + r));
    double dk = exact(k);
    double kn = dk * LN2_HI - ((hfsq - (s * (hfsq + r) + (c + dk * LN2_LO))) - f);
    return select((k | -k) >> 31, kn, k0);
  }

  // fdlibm's |f| < 2^-20 case (k != 0), out of line so that log1pSelect stays small enough for the
  // JIT to inline into the scoring loop
  private static double smallF(int k, double f, double c, double hfsq) {
    if (f == 0) {
      c += k * LN2_LO;
      return k * LN2_HI + c;
    }
    double r = hfsq * (1.0 - 0.66666666666666666 * f);
    return k * LN2_HI - ((r - (c + k * LN2_LO)) - f);
  }

  /**
   * {@code (double) k} for {@code |k| < 2^51} through the bits of {@code 1.5 * 2^52 + k}: the same
   * value as the conversion, without its instruction, which keeps the old contents of the register
   * and so chains one token's score to the previous one's.
   */
  static double exact(long k) {
    return Double.longBitsToDouble(0x4338000000000000L + k) - 0x1.8p52;
  }

  // a where mask is -1, b where it is 0
  private static double select(int mask, double a, double b) {
    long m = mask;
    return Double.longBitsToDouble(
        (Double.doubleToRawLongBits(a) & m) | (Double.doubleToRawLongBits(b) & ~m));
  }
}
