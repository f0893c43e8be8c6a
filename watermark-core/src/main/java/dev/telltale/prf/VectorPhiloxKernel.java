package dev.telltale.prf;

import dev.telltale.scheme.VllmParameters;
import jdk.incubator.vector.IntVector;
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
  // Int lanes of the long lanes' shape: candidate ids in and words out, two per long lane.
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_64.withShape(L.vectorShape());

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
    private final long[] tailFps = new long[LANES];
    private final double[] tailScores = new double[LANES];
    // contextsAndWords: the block's contexts and tokens widened to lanes, -1 before the floor
    private final long[] wide;
    private final long[] words;

    Lanes(int capacity) {
      int padded = (capacity + LANES - 1) / LANES * LANES;
      wide = new long[padded + VllmParameters.MAX_VLLM_CONTEXT_WIDTH];
      words = new long[padded];
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

    /**
     * The contexts and words in one pass whose lanes read the block's tokens widened once: the
     * state stays in registers from the context's absorption to its digest and the token's word.
     */
    @Override
    public void contextsAndWords(
        long key,
        int[] tokens,
        int floor,
        int from,
        int to,
        int width,
        int[] s0,
        int[] s1,
        int[] s2,
        int[] s3,
        int[] out,
        long[] contexts) {
      int n = to - from;
      int padded = (n + LANES - 1) / LANES * LANES;
      // wide[k] is the word of position from - width + k: token j's context lane q is wide[j + q],
      // the token itself wide[j + width]
      for (int k = 0, pos = from - width; k < padded + width; k++, pos++) {
        wide[k] = pos < floor ? LO : pos < to ? tokens[pos] & LO : 0;
      }
      long kLow = key & LO;
      long kHigh = (key >>> 32) & LO;
      long kToken = ((int) (key >>> 32) ^ Philox4x32.TOKEN_DOMAIN) & LO;
      for (int j = 0; j < padded; j += LANES) {
        wordLanes(wide, j, width, kLow, kHigh, kToken, c0, words);
      }
      System.arraycopy(c0, 0, contexts, 0, n);
      for (int j = 0; j < n; j++) {
        out[j] = (int) words[j];
      }
    }

    @Override
    public void gumbelScores(long[] fps, int n, double[] out) {
      int j = 0;
      for (; j <= n - LANES; j += LANES) {
        VectorGumbelScores.lanes(fps, j, out, j);
      }
      if (j < n) {
        System.arraycopy(fps, j, tailFps, 0, n - j);
        VectorGumbelScores.lanes(tailFps, 0, tailScores, 0);
        System.arraycopy(tailScores, 0, out, j, n - j);
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

  /**
   * Tokens {@code j .. j + LANES} of {@link Lanes#contextsAndWords}: their context digests into
   * {@code contexts}, their words into {@code words}, at {@code j}.
   */
  private static void wordLanes(
      long[] wide,
      int j,
      int width,
      long kLow,
      long kHigh,
      long kToken,
      long[] contexts,
      long[] words) {
    LongVector x0 = LongVector.broadcast(L, Philox4x32.CONTEXT_DOMAIN & LO);
    LongVector x1 = LongVector.broadcast(L, width & LO);
    LongVector x2 = LongVector.zero(L);
    LongVector x3 = LongVector.zero(L);
    for (int off = 0; off < width; off += 4) {
      x0 = x0.lanewise(VectorOperators.XOR, contextLane(wide, j, off, width));
      x1 = x1.lanewise(VectorOperators.XOR, contextLane(wide, j, off + 1, width));
      x2 = x2.lanewise(VectorOperators.XOR, contextLane(wide, j, off + 2, width));
      x3 = x3.lanewise(VectorOperators.XOR, contextLane(wide, j, off + 3, width));
      long r0 = kLow ^ off;
      int r1 = (int) kHigh;
      for (int r = 0; r < 10; r++) {
        LongVector p0 = x0.mul(Philox4x32.M0);
        LongVector p1 = x2.mul(Philox4x32.M1);
        LongVector n0 =
            p1.lanewise(VectorOperators.LSHR, 32)
                .lanewise(VectorOperators.XOR, x1)
                .lanewise(VectorOperators.XOR, r0 & LO);
        LongVector n2 =
            p0.lanewise(VectorOperators.LSHR, 32)
                .lanewise(VectorOperators.XOR, x3)
                .lanewise(VectorOperators.XOR, r1 & LO);
        x1 = p1.and(LO);
        x3 = p0.and(LO);
        x0 = n0;
        x2 = n2;
        r0 = (r0 + (Philox4x32.W0 & LO)) & LO;
        r1 += Philox4x32.W1;
      }
    }
    // VllmPrf.contextFingerprint: WatermarkPrf.bits(a ^ rotl(b, 29), 0x5a17), a = s0:s1, b = s2:s3
    LongVector a = x0.lanewise(VectorOperators.LSHL, 32).or(x1);
    LongVector b = x2.lanewise(VectorOperators.LSHL, 32).or(x3);
    LongVector z =
        a.lanewise(VectorOperators.XOR, b.lanewise(VectorOperators.ROL, 29))
            .lanewise(VectorOperators.XOR, 0x5a17 * WatermarkPrf.GOLDEN);
    z =
        z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 30))
            .mul(0xbf58476d1ce4e5b9L);
    z =
        z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 27))
            .mul(0x94d049bb133111ebL);
    z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 31)).intoArray(contexts, j);
    // the token's word: counter (v >>> 2, s0, s1, s2), key (k0 ^ s3, k1 ^ TOKEN_DOMAIN)
    LongVector v = LongVector.fromArray(L, wide, j + width);
    LongVector y0 = v.lanewise(VectorOperators.LSHR, 2);
    LongVector y1 = x0;
    LongVector y2 = x1;
    LongVector y3 = x2;
    LongVector r0 = x3.lanewise(VectorOperators.XOR, kLow);
    int r1 = (int) kToken;
    for (int r = 0; r < 10; r++) {
      LongVector p0 = y0.mul(Philox4x32.M0);
      LongVector p1 = y2.mul(Philox4x32.M1);
      LongVector n0 =
          p1.lanewise(VectorOperators.LSHR, 32)
              .lanewise(VectorOperators.XOR, y1)
              .lanewise(VectorOperators.XOR, r0);
      LongVector n2 =
          p0.lanewise(VectorOperators.LSHR, 32)
              .lanewise(VectorOperators.XOR, y3)
              .lanewise(VectorOperators.XOR, r1 & LO);
      y1 = p1.and(LO);
      y3 = p0.and(LO);
      y0 = n0;
      y2 = n2;
      r0 = r0.add(Philox4x32.W0 & LO).and(LO);
      r1 += Philox4x32.W1;
    }
    // word v & 3 of the block, by bit selects: bit 0 picks within a pair, bit 1 the pair
    LongVector odd = v.lanewise(VectorOperators.LSHL, 63).lanewise(VectorOperators.ASHR, 63);
    LongVector high = v.lanewise(VectorOperators.LSHL, 62).lanewise(VectorOperators.ASHR, 63);
    LongVector lo = y0.lanewise(VectorOperators.XOR, y0.lanewise(VectorOperators.XOR, y1).and(odd));
    LongVector hi = y2.lanewise(VectorOperators.XOR, y2.lanewise(VectorOperators.XOR, y3).and(odd));
    lo.lanewise(VectorOperators.XOR, lo.lanewise(VectorOperators.XOR, hi).and(high))
        .intoArray(words, j);
  }

  // Context lane q (0-based from the oldest) of tokens j .. j + LANES: read, or beyond the width
  // the constant of Philox4x32.ctx
  private static LongVector contextLane(long[] wide, int j, int q, int width) {
    return q < width
        ? LongVector.fromArray(L, wide, j + q)
        : LongVector.broadcast(L, ~(q & 3) & LO);
  }

  /**
   * A decoding step's candidate words ({@link PhiloxCandidateWords}) in lanes: every candidate's
   * block shares the context and the key, so rounds 1–2 multiply only the candidate's counter word
   * and its round-2 partner in lanes (the two context-only products are scalars), the round keys
   * are broadcast scalars, and the candidate's word is picked out of its block in lanes too.
   */
  static final class CandidateWords implements PhiloxCandidateWords.VectorKernels {
    @Override
    public PhiloxCandidateWords.Kernel create() {
      return new CandidateLanes();
    }

    @Override
    public String name() {
      return "vector (" + L + ")";
    }

    // Below four lanes (128-bit vectors) a lane multiply buys too little against the scalar
    // chains.
    @Override
    public boolean profitable() {
      return LANES >= 4;
    }
  }

  /**
   * One session's candidate kernel; its only scratch is a padded tail. Ids come in as int lanes
   * read as long lanes (no shape change, which the JIT would box): the even-indexed ids are the low
   * halves, the odd ones the high halves, two independent chains; their words go back the same way.
   */
  private static final class CandidateLanes implements PhiloxCandidateWords.Kernel {
    private static final int STEP = 2 * LANES;
    private final int[] tailIn = new int[STEP];
    private final int[] tailOut = new int[STEP];

    @Override
    public void words(long key, int[] state, int[] tokens, int from, int to, int[] out) {
      int k0 = (int) key ^ state[3];
      int k1 = (int) (key >>> 32) ^ Philox4x32.TOKEN_DOMAIN;
      // Round 1 with c1 = state[0], c2 = state[1], c3 = state[2]: p1 reads only the context.
      long q1 = Philox4x32.M1 * (state[1] & LO);
      int a = (int) (q1 >>> 32) ^ state[0] ^ k0; // c0 after round 1
      int b = (int) q1; // c1 after round 1
      long s2k1 = (state[2] ^ k1) & LO;
      // Round 2: p0 = M0 * a reads only the context.
      long q0 = Philox4x32.M0 * (a & LO);
      long bk0r2 = (b ^ (k0 + Philox4x32.W0)) & LO;
      long hiQ0k1r2 = ((int) (q0 >>> 32) ^ (k1 + Philox4x32.W1)) & LO;
      long d = q0 & LO; // c3 after round 2
      int r0 = k0 + 2 * Philox4x32.W0;
      int r1 = k1 + 2 * Philox4x32.W1;
      int j = from;
      for (; j <= to - STEP; j += STEP) {
        block(tokens, j, out, j, s2k1, bk0r2, hiQ0k1r2, d, r0, r1);
      }
      if (j < to) {
        int rest = to - j;
        System.arraycopy(tokens, j, tailIn, 0, rest);
        block(tailIn, 0, tailOut, 0, s2k1, bk0r2, hiQ0k1r2, d, r0, r1);
        System.arraycopy(tailOut, 0, out, j, rest);
      }
    }

    // The words of tokens[j .. j + STEP) into out[o .. o + STEP): vectors never cross a call (an
    // argument or a result that is a vector would be boxed).
    private static void block(
        int[] tokens,
        int j,
        int[] out,
        int o,
        long s2k1,
        long bk0r2,
        long hiQ0k1r2,
        long d,
        int r0,
        int r1) {
      LongVector pair = IntVector.fromArray(I, tokens, j).reinterpretAsLongs();
      LongVector v = pair.and(LO); // even-indexed ids
      LongVector u = pair.lanewise(VectorOperators.LSHR, 32); // odd-indexed ids
      // Round 1: the counter word's product.
      LongVector p0 = v.lanewise(VectorOperators.LSHR, 2).mul(Philox4x32.M0);
      LongVector g0 = u.lanewise(VectorOperators.LSHR, 2).mul(Philox4x32.M0);
      LongVector x2 = p0.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, s2k1);
      LongVector y2 = g0.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, s2k1);
      // Round 2: the product of round 1's n2.
      LongVector p1 = x2.mul(Philox4x32.M1);
      LongVector g1 = y2.mul(Philox4x32.M1);
      LongVector c0 = p1.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, bk0r2);
      LongVector e0 = g1.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, bk0r2);
      LongVector c1 = p1.and(LO);
      LongVector e1 = g1.and(LO);
      LongVector c2 = p0.and(LO).lanewise(VectorOperators.XOR, hiQ0k1r2);
      LongVector e2 = g0.and(LO).lanewise(VectorOperators.XOR, hiQ0k1r2);
      LongVector c3 = LongVector.broadcast(L, d);
      LongVector e3 = c3;
      int k0r = r0;
      int k1r = r1;
      for (int r = 2; r < 10; r++) {
        long rk0 = k0r & LO;
        long rk1 = k1r & LO;
        LongVector m0 = c0.mul(Philox4x32.M0);
        LongVector m1 = c2.mul(Philox4x32.M1);
        LongVector h0 = e0.mul(Philox4x32.M0);
        LongVector h1 = e2.mul(Philox4x32.M1);
        LongVector n0 =
            m1.lanewise(VectorOperators.LSHR, 32)
                .lanewise(VectorOperators.XOR, c1)
                .lanewise(VectorOperators.XOR, rk0);
        LongVector n2 =
            m0.lanewise(VectorOperators.LSHR, 32)
                .lanewise(VectorOperators.XOR, c3)
                .lanewise(VectorOperators.XOR, rk1);
        LongVector f0 =
            h1.lanewise(VectorOperators.LSHR, 32)
                .lanewise(VectorOperators.XOR, e1)
                .lanewise(VectorOperators.XOR, rk0);
        LongVector f2 =
            h0.lanewise(VectorOperators.LSHR, 32)
                .lanewise(VectorOperators.XOR, e3)
                .lanewise(VectorOperators.XOR, rk1);
        c1 = m1.and(LO);
        c3 = m0.and(LO);
        c0 = n0;
        c2 = n2;
        e1 = h1.and(LO);
        e3 = h0.and(LO);
        e0 = f0;
        e2 = f2;
        k0r += Philox4x32.W0;
        k1r += Philox4x32.W1;
      }
      // Word (id & 3) of each block, as masks: bit 0 picks c0/c1 (c2/c3), bit 1 the upper pair.
      LongVector odd = v.and(1L).neg();
      LongVector upper = v.lanewise(VectorOperators.LSHR, 1).and(1L).neg();
      LongVector lo =
          c0.lanewise(VectorOperators.XOR, c0.lanewise(VectorOperators.XOR, c1).and(odd));
      LongVector hi =
          c2.lanewise(VectorOperators.XOR, c2.lanewise(VectorOperators.XOR, c3).and(odd));
      LongVector we =
          lo.lanewise(VectorOperators.XOR, lo.lanewise(VectorOperators.XOR, hi).and(upper));
      odd = u.and(1L).neg();
      upper = u.lanewise(VectorOperators.LSHR, 1).and(1L).neg();
      lo = e0.lanewise(VectorOperators.XOR, e0.lanewise(VectorOperators.XOR, e1).and(odd));
      hi = e2.lanewise(VectorOperators.XOR, e2.lanewise(VectorOperators.XOR, e3).and(odd));
      LongVector wo =
          lo.lanewise(VectorOperators.XOR, lo.lanewise(VectorOperators.XOR, hi).and(upper));
      wo.lanewise(VectorOperators.LSHL, 32).or(we).reinterpretAsInts().intoArray(out, o);
    }
  }
}
