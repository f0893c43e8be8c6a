package dev.telltale.prf;

import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Scoring's Philox blocks on the Vector API: one block per 64-bit lane, each 32-bit word
 * zero-extended, so a lane multiply gives the 32×32→64-bit product whose halves Philox needs. Bit
 * for bit the scalar words. Loaded by {@link PhiloxBatch} only when {@code jdk.incubator.vector} is
 * in the boot layer; nothing else refers to this class.
 */
final class VectorPhiloxKernel implements PhiloxBatch.VectorKernels {
  private static final VectorSpecies<Long> L = LongVector.SPECIES_PREFERRED;
  private static final int LANES = L.length();
  private static final long LO = 0xFFFFFFFFL;

  @Override
  public PhiloxBatch.Kernel create(int capacity) {
    return new Lanes(capacity);
  }

  @Override
  public String name() {
    return "vector (" + L + ")";
  }

  /** One kernel's lane scratch: the four counter words and the first key word of each block. */
  private static final class Lanes implements PhiloxBatch.Kernel {
    private final long[] c0;
    private final long[] c1;
    private final long[] c2;
    private final long[] c3;
    private final long[] k0;

    Lanes(int capacity) {
      int padded = (capacity + LANES - 1) / LANES * LANES;
      c0 = new long[padded];
      c1 = new long[padded];
      c2 = new long[padded];
      c3 = new long[padded];
      k0 = new long[padded];
    }

    @Override
    public void absorbEach(
        long key,
        int[] tokens,
        int floor,
        int from,
        int to,
        int width,
        int[] s0,
        int[] s1,
        int[] s2,
        int[] s3) {
      int n = to - from;
      long kLow = key & LO;
      for (int j = 0; j < n; j++) {
        c0[j] = Philox4x32.CONTEXT_DOMAIN;
        c1[j] = width;
        c2[j] = 0;
        c3[j] = 0;
        k0[j] = kLow;
      }
      for (int off = 0; off < width; off += 4) {
        for (int j = 0; j < n; j++) {
          int start = from + j - width + off;
          c0[j] = (c0[j] ^ Philox4x32.ctx(tokens, floor, start, off, width)) & LO;
          c1[j] = (c1[j] ^ Philox4x32.ctx(tokens, floor, start + 1, off + 1, width)) & LO;
          c2[j] = (c2[j] ^ Philox4x32.ctx(tokens, floor, start + 2, off + 2, width)) & LO;
          c3[j] = (c3[j] ^ Philox4x32.ctx(tokens, floor, start + 3, off + 3, width)) & LO;
        }
        rounds(n, off, (int) (key >>> 32));
      }
      for (int j = 0; j < n; j++) {
        s0[j] = (int) c0[j];
        s1[j] = (int) c1[j];
        s2[j] = (int) c2[j];
        s3[j] = (int) c3[j];
      }
    }

    @Override
    public void tokenWordEach(
        long key,
        int[] tokens,
        int from,
        int to,
        int[] s0,
        int[] s1,
        int[] s2,
        int[] s3,
        int[] out) {
      int n = to - from;
      int kLow = (int) key;
      for (int j = 0; j < n; j++) {
        c0[j] = tokens[from + j] >>> 2;
        c1[j] = s0[j] & LO;
        c2[j] = s1[j] & LO;
        c3[j] = s2[j] & LO;
        k0[j] = (kLow ^ s3[j]) & LO;
      }
      rounds(n, 0, (int) (key >>> 32) ^ Philox4x32.TOKEN_DOMAIN);
      for (int j = 0; j < n; j++) {
        int lane = tokens[from + j] & 3;
        long lo = (lane & 1) == 0 ? c0[j] : c1[j];
        long hi = (lane & 1) == 0 ? c2[j] : c3[j];
        out[j] = (int) (lane < 2 ? lo : hi);
      }
    }

    // Ten rounds of the blocks [0, n) in place; block j's key is (k0[j] ^ k0Xor, k1).
    private void rounds(int n, int k0Xor, int k1) {
      for (int j = 0; j < n; j += LANES) {
        LongVector x0 = LongVector.fromArray(L, c0, j);
        LongVector x1 = LongVector.fromArray(L, c1, j);
        LongVector x2 = LongVector.fromArray(L, c2, j);
        LongVector x3 = LongVector.fromArray(L, c3, j);
        LongVector r0 = LongVector.fromArray(L, k0, j).lanewise(VectorOperators.XOR, k0Xor);
        int r1 = k1;
        for (int r = 0; r < 10; r++) {
          LongVector p0 = x0.mul(Philox4x32.M0);
          LongVector p1 = x2.mul(Philox4x32.M1);
          LongVector n0 =
              p1.lanewise(VectorOperators.LSHR, 32)
                  .lanewise(VectorOperators.XOR, x1)
                  .lanewise(VectorOperators.XOR, r0);
          LongVector n2 =
              p0.lanewise(VectorOperators.LSHR, 32)
                  .lanewise(VectorOperators.XOR, x3)
                  .lanewise(VectorOperators.XOR, r1 & LO);
          x1 = p1.and(LO);
          x3 = p0.and(LO);
          x0 = n0;
          x2 = n2;
          r0 = r0.add(Philox4x32.W0 & LO).and(LO);
          r1 += Philox4x32.W1;
        }
        x0.intoArray(c0, j);
        x1.intoArray(c1, j);
        x2.intoArray(c2, j);
        x3.intoArray(c3, j);
      }
    }
  }
}
