package dev.telltale.embed;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The green-list bias on the Vector API: SplitMix64 of {@code seed ^ v * GOLDEN} in 64-bit lanes,
 * the green test as a lane mask, and {@code delta} or {@code +0.0f} added to the float logits, bit
 * for bit as the scalar loop. Loaded by {@link BiasKernels} only when {@code jdk.incubator.vector}
 * is in the boot layer; nothing else refers to this class.
 */
final class VectorBiasKernel implements BiasKernels.Kernel {
  private static final VectorSpecies<Long> L = LongVector.SPECIES_PREFERRED;
  private static final VectorShape HALF = VectorShape.forBitSize(L.vectorBitSize() / 2);
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_256.withShape(HALF);
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_256.withShape(HALF);
  private static final int LANES = L.length();
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  @Override
  public void greenBias(float[] logits, int off, int n, long seed, long threshold, float delta) {
    final int deltaBits = Float.floatToRawIntBits(delta);
    int v = 0;
    int upper = n - (n % LANES);
    LongVector idx = LongVector.zero(L).addIndex(1);
    LongVector step = LongVector.broadcast(L, LANES);
    IntVector dBits = IntVector.broadcast(I, deltaBits);
    for (; v < upper; v += LANES) {
      LongVector z = idx.mul(GOLDEN).lanewise(VectorOperators.XOR, seed);
      z =
          z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 30))
              .mul(0xbf58476d1ce4e5b9L);
      z =
          z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 27))
              .mul(0x94d049bb133111ebL);
      z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 31));
      // ((u >>> 11) - threshold) >> 63: all ones iff green
      LongVector m =
          z.lanewise(VectorOperators.LSHR, 11).sub(threshold).lanewise(VectorOperators.ASHR, 63);
      IntVector mi = (IntVector) m.convertShape(VectorOperators.L2I, I, 0);
      FloatVector add = mi.and(dBits).reinterpretAsFloats();
      FloatVector.fromArray(F, logits, off + v).add(add).intoArray(logits, off + v);
      idx = idx.add(step);
    }
    final long g = GOLDEN;
    for (; v < n; v++) {
      long z = seed ^ (v * g);
      z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
      z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
      z = z ^ (z >>> 31);
      int mask = (int) (((z >>> 11) - threshold) >> 63);
      logits[off + v] += Float.intBitsToFloat(deltaBits & mask);
    }
  }

  // Measured slower than the scalar loop with 256-bit (AVX2) and 512-bit (AVX-512) vectors alike,
  // and allocating per token (README, Benchmarks): only -Dtelltale.bias.kernel=vector selects it.
  @Override
  public boolean profitable() {
    return false;
  }

  @Override
  public String name() {
    return "vector (" + L + ")";
  }
}
