package dev.telltale.embed;

import dev.telltale.scheme.PrfVersion;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * PRF v2's Gumbel screen on the Vector API: {@code hi32(s, v)} in 32-bit lanes (as {@link
 * VectorBiasKernelV2}), then {@link GumbelArgmax#screenRange}'s float bounds lane for lane (the
 * chord of {@code ln} is the float's raw bits converted to float), the upper bounds stored and the
 * lower bounds kept as a lane-wise maximum that ignores NaN; the largest logit likewise. The tail
 * below one vector runs the scalar loop. Loaded by {@link GumbelArgmax} only when {@code
 * jdk.incubator.vector} is in the boot layer.
 */
final class VectorGumbelKernelV2 implements GumbelArgmax.Kernel {
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = I.length();
  // A loop-invariant vector is a constant (a vector made per call is boxed once per call by C2),
  // but a loop-carried one must start from a vector made in the method: started from a constant,
  // C2 boxes it on every iteration.
  private static final IntVector IOTA = IntVector.zero(I).addIndex(1);

  @Override
  public float max(float[] logits, int n) {
    int upper = n - (n % LANES);
    float m = Float.NEGATIVE_INFINITY;
    if (upper > 0) {
      FloatVector acc = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
      for (int i = 0; i < upper; i += LANES) {
        FloatVector l = FloatVector.fromArray(F, logits, i);
        acc = acc.blend(l, l.compare(VectorOperators.GT, acc)); // NaN never compares greater
      }
      m = acc.reduceLanes(VectorOperators.MAX);
    }
    for (int i = upper; i < n; i++) {
      float l = logits[i];
      m = l > m ? l : m;
    }
    return m;
  }

  @Override
  public float screen(
      float[] logits,
      int[] candidates,
      int from,
      int to,
      float lmax,
      float invT,
      long seed,
      float[] high) {
    final int sLo = (int) seed;
    final int sHi = (int) (seed >>> 32);
    int upper = to - ((to - from) % LANES);
    float floor = Float.NEGATIVE_INFINITY;
    if (upper > from) {
      FloatVector lowest = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
      for (int i = from; i < upper; i += LANES) {
        IntVector x = candidates == null ? IOTA.add(i) : IntVector.fromArray(I, candidates, i);
        x = x.lanewise(VectorOperators.XOR, sLo);
        x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 16)).mul(0x7feb352d);
        x = x.lanewise(VectorOperators.XOR, sHi);
        x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 15)).mul(0x846ca68b);
        x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 16)); // hi32
        IntVector h = x.lanewise(VectorOperators.LSHR, 1).lanewise(VectorOperators.XOR, 0x7fffffff);
        FloatVector hf = (FloatVector) h.convert(VectorOperators.I2F, 0);
        FloatVector hp = hf.add(1f);
        FloatVector up =
            ((FloatVector) hf.reinterpretAsInts().convert(VectorOperators.I2F, 0))
                .mul(-GumbelArgmax.F_NATS_PER_BIT)
                .add(GumbelArgmax.HIGH_ADD);
        FloatVector low =
            ((FloatVector) hp.reinterpretAsInts().convert(VectorOperators.I2F, 0))
                .mul(-GumbelArgmax.F_NATS_PER_BIT)
                .add(GumbelArgmax.LOW_ADD)
                .sub(hp.mul(0x1p-30f));
        FloatVector a = FloatVector.fromArray(F, logits, i).sub(lmax).mul(invT);
        a.mul(GumbelArgmax.HIGH_SCALE).add(up).intoArray(high, i - from);
        FloatVector lower = a.mul(GumbelArgmax.LOW_SCALE).add(low);
        // y <= 1/2 and greater than the best so far (a NaN lower bound never is)
        VectorMask<Float> better =
            lower.compare(VectorOperators.GT, lowest).and(hp.compare(VectorOperators.LE, 0x1p30f));
        lowest = lowest.blend(lower, better);
      }
      floor = lowest.reduceLanes(VectorOperators.MAX);
    }
    return GumbelArgmax.screenRange(
        logits, candidates, from, upper, to, lmax, invT, seed, PrfVersion.V2, high, floor);
  }

  @Override
  public int collect(
      float[] high, int from, int to, float floor, GumbelArgmax.Listed list, int count) {
    int n = to - from;
    int upper = n - (n % LANES);
    for (int j = 0; j < upper; j += LANES) {
      if (FloatVector.fromArray(F, high, j).compare(VectorOperators.GE, floor).anyTrue()) {
        count =
            GumbelArgmax.collectRange(high, from, from + j, from + j + LANES, floor, list, count);
        if (count < 0) {
          return -1;
        }
      }
    }
    return GumbelArgmax.collectRange(high, from, from + upper, to, floor, list, count);
  }

  @Override
  public boolean profitable() {
    return I.vectorBitSize() >= 256;
  }

  @Override
  public String name() {
    return "vector (" + I + ")";
  }
}
