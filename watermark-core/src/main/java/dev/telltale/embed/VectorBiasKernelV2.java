package dev.telltale.embed;

import dev.telltale.prf.WatermarkPrf;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * PRF v2's green-list bias on the Vector API: {@code hi32(s, v)} in 32-bit lanes (two lane
 * multiplies, which AVX2 and AVX-512 both have), the unsigned compare with the threshold's top 32
 * bits as a lane mask, and {@code delta} or {@code +0.0f} added to the float logits, bit for bit as
 * the scalar loop. A block where some lane equals the threshold's top bits (probability about lanes
 * * 2^-32) is done by the scalar loop, which reads {@code lo32} there. Loaded by {@link
 * BiasKernels} only when {@code jdk.incubator.vector} is in the boot layer.
 */
final class VectorBiasKernelV2 implements BiasKernels.Kernel {
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = I.length();
  // Loop-invariant vectors are constants: a vector made per call is boxed once per call by C2.
  private static final IntVector IOTA = IntVector.zero(I).addIndex(1);
  private static final IntVector ZERO = IntVector.zero(I);

  @Override
  public void greenBias(float[] logits, int off, int n, long seed, long threshold, float delta) {
    final int sLo = (int) seed;
    final int sHi = (int) (seed >>> 32);
    // unsigned compare as signed after flipping the sign bit of both sides
    final int tBiased = (int) (threshold >>> 21) ^ Integer.MIN_VALUE;
    final int deltaBits = Float.floatToRawIntBits(delta);
    int upper = n - (n % LANES);
    int v = 0;
    for (; v < upper; v += LANES) {
      IntVector x = IOTA.add(v).lanewise(VectorOperators.XOR, sLo);
      x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 16)).mul(0x7feb352d);
      x = x.lanewise(VectorOperators.XOR, sHi);
      x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 15)).mul(0x846ca68b);
      x =
          x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 16))
              .lanewise(VectorOperators.XOR, Integer.MIN_VALUE);
      if (x.compare(VectorOperators.EQ, tBiased).anyTrue()) {
        scalar(logits, off, v, v + LANES, seed, threshold, deltaBits);
        continue;
      }
      VectorMask<Integer> green = x.compare(VectorOperators.LT, tBiased);
      FloatVector add = ZERO.blend(deltaBits, green).reinterpretAsFloats();
      FloatVector.fromArray(F, logits, off + v).add(add).intoArray(logits, off + v);
    }
    scalar(logits, off, v, n, seed, threshold, deltaBits);
  }

  private static void scalar(
      float[] logits, int off, int from, int to, long seed, long threshold, int deltaBits) {
    for (int v = from; v < to; v++) {
      int mask = (int) -WatermarkPrf.greenBit(WatermarkPrf.bitsV2(seed, v), threshold);
      logits[off + v] += Float.intBitsToFloat(deltaBits & mask);
    }
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
