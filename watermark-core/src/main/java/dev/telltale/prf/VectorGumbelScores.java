package dev.telltale.prf;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * vLLM Gumbel scores in Vector API lanes, for {@link VectorPhiloxKernel} (and loaded only through
 * it, when {@code jdk.incubator.vector} is in the boot layer): fdlibm's {@code log1p} of a block of
 * PRF uniforms, bit for bit the scalar {@link Fdlibm#log1pInRange}.
 */
final class VectorGumbelScores {
  private static final VectorSpecies<Long> L = LongVector.SPECIES_PREFERRED;

  private VectorGumbelScores() {}

  /**
   * {@link VllmPrf#gumbelScoreOfMantissa} of the low 24 bits of {@code fps[j ..]}, one vector of
   * lanes, into {@code out[o ..]}: the same operations in the same order, lane by lane ({@link
   * Fdlibm#log1pInRange} with its selects as lane selects; the lanes' IEEE arithmetic is Java's,
   * never fused), so the same bits. No mantissa takes fdlibm's rare {@code |f| < 2^-20} branch
   * ({@code hu == 0}), which these lanes leave out: GumbelScoreLanesTest runs all 2^24.
   */
  static void lanes(long[] fps, int j, double[] out, int o) {
    // q = exact(m + 1) / (2^24 + 1), rounded to float's 24 bits, to nearest even
    LongVector m = LongVector.fromArray(L, fps, j).and(0xFFFFFFL);
    DoubleVector q =
        m.add(0x4338000000000001L).reinterpretAsDoubles().sub(0x1.8p52).div(16777217.0);
    LongVector ub = q.reinterpretAsLongs();
    ub = ub.add(ub.lanewise(VectorOperators.LSHR, 29).and(1L).add(0x0FFFFFFFL)).and(~0x1FFFFFFFL);
    // log1p(x), x = -u: fdlibm's second reduction for every lane
    DoubleVector x = ub.reinterpretAsDoubles().neg();
    LongVector ax = ub.lanewise(VectorOperators.LSHR, 32).and(0x7fffffffL);
    DoubleVector u = x.add(1.0);
    LongVector bits = u.reinterpretAsLongs();
    LongVector hu2 = bits.lanewise(VectorOperators.LSHR, 32);
    LongVector k2 = hu2.lanewise(VectorOperators.LSHR, 20).sub(1023L);
    DoubleVector c2 = x.sub(u.sub(1.0)).div(u);
    hu2 = hu2.and(0x000fffffL);
    LongVector up =
        LongVector.broadcast(L, 0x6a09e - 1).sub(hu2).lanewise(VectorOperators.ASHR, 63);
    LongVector high = hu2.or(up.and(-0x00100000L).add(0x3ff00000L));
    DoubleVector u2 =
        high.lanewise(VectorOperators.LSHL, 32).or(bits.and(0xFFFFFFFFL)).reinterpretAsDoubles();
    k2 = k2.sub(up);
    DoubleVector f2 = u2.sub(1.0);
    LongVector second =
        LongVector.broadcast(L, 0x3fd2bec3L).sub(ax).lanewise(VectorOperators.ASHR, 63);
    LongVector notSecond = second.not();
    LongVector k = k2.and(second);
    DoubleVector f =
        f2.reinterpretAsLongs()
            .and(second)
            .or(x.reinterpretAsLongs().and(notSecond))
            .reinterpretAsDoubles();
    DoubleVector c = c2.reinterpretAsLongs().and(second).reinterpretAsDoubles();
    // fdlibm's polynomial
    DoubleVector hfsq = f.mul(0.5).mul(f);
    DoubleVector s = f.div(f.add(2.0));
    DoubleVector z = s.mul(s);
    DoubleVector r = z.mul(Fdlibm.LP7).add(Fdlibm.LP6);
    r = z.mul(r).add(Fdlibm.LP5);
    r = z.mul(r).add(Fdlibm.LP4);
    r = z.mul(r).add(Fdlibm.LP3);
    r = z.mul(r).add(Fdlibm.LP2);
    r = z.mul(r).add(Fdlibm.LP1);
    r = z.mul(r);
    DoubleVector shr = s.mul(hfsq.add(r));
    DoubleVector k0 = f.sub(hfsq.sub(shr));
    DoubleVector dk = k.add(0x4338000000000000L).reinterpretAsDoubles().sub(0x1.8p52);
    DoubleVector kn =
        dk.mul(Fdlibm.LN2_HI).sub(hfsq.sub(shr.add(c.add(dk.mul(Fdlibm.LN2_LO)))).sub(f));
    // k != 0: kn, else k0 (bit selects; lane compares are not intrinsics on every JDK)
    LongVector kNonZero = k.or(k.neg()).lanewise(VectorOperators.ASHR, 63);
    kn.reinterpretAsLongs()
        .and(kNonZero)
        .or(k0.reinterpretAsLongs().and(kNonZero.not()))
        .reinterpretAsDoubles()
        .neg()
        .intoArray(out, o);
  }
}
