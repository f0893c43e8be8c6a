package dev.telltale.prf;

/**
 * vLLM's versioned PRF {@code philox4x32-10-v1}: Philox4x32 with ten rounds (Salmon et al., SC'11),
 * the context absorbed block by block under the key, then one call per group of four tokens. Every
 * word is an unsigned 32-bit value held in an {@code int}; the PRF reads nothing but its arguments,
 * so it is stateless and thread-safe, and nothing here allocates.
 */
public final class Philox4x32 {
  /** The version string vLLM records for this PRF. */
  public static final String VERSION = "philox4x32-10-v1";

  static final long M0 = 0xD2511F53L;
  static final long M1 = 0xCD9E8D57L;
  static final int W0 = 0x9E3779B9;
  static final int W1 = 0xBB67AE85;
  static final int CONTEXT_DOMAIN = 0x574D4358; // "WMCX"
  static final int TOKEN_DOMAIN = 0x574D544B; // "WMTK"
  private static final double TWO_24_PLUS_1 = 16777217.0;

  private Philox4x32() {}

  /**
   * Ten Philox rounds of counter {@code (c0, c1, c2, c3)} under key {@code (k0, k1)}; writes the
   * four output words to {@code out[0..4)}.
   */
  public static void block(int c0, int c1, int c2, int c3, int k0, int k1, int[] out) {
    for (int r = 0; r < 10; r++) {
      long p0 = M0 * (c0 & 0xFFFFFFFFL);
      long p1 = M1 * (c2 & 0xFFFFFFFFL);
      int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
      int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
      c1 = (int) p1;
      c3 = (int) p0;
      c0 = n0;
      c2 = n2;
      k0 += W0;
      k1 += W1;
    }
    out[0] = c0;
    out[1] = c1;
    out[2] = c2;
    out[3] = c3;
  }

  /** Word {@code lane} (0..3) of {@link #block}, without a scratch array. */
  public static int word(int c0, int c1, int c2, int c3, int k0, int k1, int lane) {
    for (int r = 0; r < 10; r++) {
      long p0 = M0 * (c0 & 0xFFFFFFFFL);
      long p1 = M1 * (c2 & 0xFFFFFFFFL);
      int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
      int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
      c1 = (int) p1;
      c3 = (int) p0;
      c0 = n0;
      c2 = n2;
      k0 += W0;
      k1 += W1;
    }
    switch (lane) {
      case 0:
        return c0;
      case 1:
        return c1;
      case 2:
        return c2;
      default:
        return c3;
    }
  }

  /**
   * Absorbs the context {@code tokens[end-width .. end)} under {@code key} into {@code
   * state[0..4)}; positions before index 0 (or before {@code floor}) read as the padding token -1.
   * Each token is taken mod 2^32; a short last block is filled with {@code 0xFFFFFFFF - lane}.
   */
  public static void absorb(long key, int[] tokens, int floor, int end, int width, int[] state) {
    int k0 = (int) key;
    int k1 = (int) (key >>> 32);
    int s0 = CONTEXT_DOMAIN;
    int s1 = width;
    int s2 = 0;
    int s3 = 0;
    int start = end - width;
    for (int off = 0; off < width; off += 4) {
      int b0 = ctx(tokens, floor, start + off, off, width);
      int b1 = ctx(tokens, floor, start + off + 1, off + 1, width);
      int b2 = ctx(tokens, floor, start + off + 2, off + 2, width);
      int b3 = ctx(tokens, floor, start + off + 3, off + 3, width);
      block(s0 ^ b0, s1 ^ b1, s2 ^ b2, s3 ^ b3, k0 ^ off, k1, state);
      s0 = state[0];
      s1 = state[1];
      s2 = state[2];
      s3 = state[3];
    }
    state[0] = s0;
    state[1] = s1;
    state[2] = s2;
    state[3] = s3;
  }

  // Word of context lane j (0-based from the oldest) read at token index i.
  static int ctx(int[] tokens, int floor, int i, int j, int width) {
    if (j >= width) {
      return ~(j & 3); // 0xFFFFFFFF - lane
    }
    return i < floor ? -1 : tokens[i];
  }

  /** The raw PRF word of token {@code v} after a context absorbed into {@code state} (stream 0). */
  public static int tokenWord(long key, int[] state, int v) {
    int k0 = (int) key;
    int k1 = (int) (key >>> 32);
    return word(v >>> 2, state[0], state[1], state[2], k0 ^ state[3], k1 ^ TOKEN_DOMAIN, v & 3);
  }

  /**
   * The four raw PRF words of tokens {@code 4g .. 4g+3} after a context absorbed into {@code
   * state}, into {@code out[0..4)}.
   */
  public static void tokenWords(long key, int[] state, int g, int[] out) {
    int k0 = (int) key;
    int k1 = (int) (key >>> 32);
    block(g, state[0], state[1], state[2], k0 ^ state[3], k1 ^ TOKEN_DOMAIN, out);
  }

  /**
   * The raw PRF words of many tokens after one context absorbed into {@code state}: {@code out[i]}
   * is {@link #tokenWord}{@code (key, state, tokens[i])} (the index {@code i} itself when {@code
   * tokens} is null) for every {@code i < n} with {@code want[i]} (every {@code i} when {@code
   * want} is null). The counter differs between tokens only in its first word, so the two
   * multiplies of the first two rounds that read only the context and the key are done once; the
   * loop has no dependency between tokens, so consecutive blocks overlap in the pipeline.
   */
  public static void tokenWords(
      long key, int[] state, int[] tokens, int n, boolean[] want, int[] out) {
    int k0 = (int) key ^ state[3];
    int k1 = (int) (key >>> 32) ^ TOKEN_DOMAIN;
    // Round 1 with c1 = state[0], c2 = state[1], c3 = state[2]: p1 reads only the context.
    long q1 = M1 * (state[1] & 0xFFFFFFFFL);
    int a = (int) (q1 >>> 32) ^ state[0] ^ k0; // c0 after round 1
    int b = (int) q1; // c1 after round 1
    int s2k1 = state[2] ^ k1;
    // Round 2: p0 = M0 * a reads only the context.
    long q0 = M0 * (a & 0xFFFFFFFFL);
    int k0r2 = k0 + W0;
    int hiQ0k1r2 = (int) (q0 >>> 32) ^ (k1 + W1);
    int d = (int) q0; // c3 after round 2
    int k0r3 = k0 + 2 * W0;
    int k1r3 = k1 + 2 * W1;
    if (tokens == null) {
      // Candidates by index (the full vocabulary): tokens 4g .. 4g+3 share one block.
      for (int lo = 0; lo < n; lo += 4) {
        int hi = Math.min(n, lo + 4);
        boolean any = want == null;
        for (int t = lo; t < hi && !any; t++) {
          any = want[t];
        }
        if (!any) {
          continue;
        }
        long p0 = M0 * ((lo >>> 2) & 0xFFFFFFFFL);
        int x2 = (int) (p0 >>> 32) ^ s2k1;
        int x3 = (int) p0;
        long p1 = M1 * (x2 & 0xFFFFFFFFL);
        int c0 = (int) (p1 >>> 32) ^ b ^ k0r2;
        int c1 = (int) p1;
        int c2 = hiQ0k1r2 ^ x3;
        int c3 = d;
        int r0 = k0r3;
        int r1 = k1r3;
        for (int r = 2; r < 10; r++) {
          long m0 = M0 * (c0 & 0xFFFFFFFFL);
          long m1 = M1 * (c2 & 0xFFFFFFFFL);
          int n0 = (int) (m1 >>> 32) ^ c1 ^ r0;
          int n2 = (int) (m0 >>> 32) ^ c3 ^ r1;
          c1 = (int) m1;
          c3 = (int) m0;
          c0 = n0;
          c2 = n2;
          r0 += W0;
          r1 += W1;
        }
        for (int t = lo; t < hi; t++) {
          if (want == null || want[t]) {
            out[t] = lane(t & 3, c0, c1, c2, c3);
          }
        }
      }
      return;
    }
    // Two tokens per step: two independent chains of multiplies keep the multiplier busy.
    int i = 0;
    int j = 0;
    while (true) {
      while (i < n && want != null && !want[i]) {
        i++;
      }
      j = i + 1;
      while (j < n && want != null && !want[j]) {
        j++;
      }
      if (j >= n) {
        break;
      }
      int v = tokens == null ? i : tokens[i];
      int u = tokens == null ? j : tokens[j];
      long p0 = M0 * ((v >>> 2) & 0xFFFFFFFFL);
      long q0v = M0 * ((u >>> 2) & 0xFFFFFFFFL);
      int x2 = (int) (p0 >>> 32) ^ s2k1;
      int y2 = (int) (q0v >>> 32) ^ s2k1;
      int x3 = (int) p0;
      int y3 = (int) q0v;
      long p1 = M1 * (x2 & 0xFFFFFFFFL);
      long q1v = M1 * (y2 & 0xFFFFFFFFL);
      int c0 = (int) (p1 >>> 32) ^ b ^ k0r2;
      int e0 = (int) (q1v >>> 32) ^ b ^ k0r2;
      int c1 = (int) p1;
      int e1 = (int) q1v;
      int c2 = hiQ0k1r2 ^ x3;
      int e2 = hiQ0k1r2 ^ y3;
      int c3 = d;
      int e3 = d;
      int r0 = k0r3;
      int r1 = k1r3;
      for (int r = 2; r < 10; r++) {
        long m0 = M0 * (c0 & 0xFFFFFFFFL);
        long m1 = M1 * (c2 & 0xFFFFFFFFL);
        long g0 = M0 * (e0 & 0xFFFFFFFFL);
        long g1 = M1 * (e2 & 0xFFFFFFFFL);
        int n0 = (int) (m1 >>> 32) ^ c1 ^ r0;
        int n2 = (int) (m0 >>> 32) ^ c3 ^ r1;
        int f0 = (int) (g1 >>> 32) ^ e1 ^ r0;
        int f2 = (int) (g0 >>> 32) ^ e3 ^ r1;
        c1 = (int) m1;
        c3 = (int) m0;
        c0 = n0;
        c2 = n2;
        e1 = (int) g1;
        e3 = (int) g0;
        e0 = f0;
        e2 = f2;
        r0 += W0;
        r1 += W1;
      }
      out[i] = lane(v & 3, c0, c1, c2, c3);
      out[j] = lane(u & 3, e0, e1, e2, e3);
      i = j + 1;
    }
    if (i < n) {
      // The last token without a partner.
      int v = tokens == null ? i : tokens[i];
      long p0 = M0 * ((v >>> 2) & 0xFFFFFFFFL);
      int x2 = (int) (p0 >>> 32) ^ s2k1;
      int x3 = (int) p0;
      long p1 = M1 * (x2 & 0xFFFFFFFFL);
      int c0 = (int) (p1 >>> 32) ^ b ^ k0r2;
      int c1 = (int) p1;
      int c2 = hiQ0k1r2 ^ x3;
      int c3 = d;
      int r0 = k0r3;
      int r1 = k1r3;
      for (int r = 2; r < 10; r++) {
        long m0 = M0 * (c0 & 0xFFFFFFFFL);
        long m1 = M1 * (c2 & 0xFFFFFFFFL);
        int n0 = (int) (m1 >>> 32) ^ c1 ^ r0;
        int n2 = (int) (m0 >>> 32) ^ c3 ^ r1;
        c1 = (int) m1;
        c3 = (int) m0;
        c0 = n0;
        c2 = n2;
        r0 += W0;
        r1 += W1;
      }
      out[i] = lane(v & 3, c0, c1, c2, c3);
    }
  }

  /**
   * {@link #absorb} of the context of every token {@code tokens[from .. to)} (its own {@code width}
   * tokens before it, -1 before {@code floor}): the state of token {@code from + j} goes to {@code
   * (s0[j], s1[j], s2[j], s3[j])}. Scoring needs a context per token; two contexts run at a time as
   * independent chains, so the multiplies of one fill the latency of the other's.
   */
  public static void absorbEach(
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
    int k0 = (int) key;
    int k1 = (int) (key >>> 32);
    int j = 0;
    for (int n = to - from; j + 1 < n; j += 2) {
      int i = from + j;
      int a0 = CONTEXT_DOMAIN;
      int a1 = width;
      int a2 = 0;
      int a3 = 0;
      int b0 = CONTEXT_DOMAIN;
      int b1 = width;
      int b2 = 0;
      int b3 = 0;
      int start = i - width;
      for (int off = 0; off < width; off += 4) {
        a0 ^= ctx(tokens, floor, start + off, off, width);
        a1 ^= ctx(tokens, floor, start + off + 1, off + 1, width);
        a2 ^= ctx(tokens, floor, start + off + 2, off + 2, width);
        a3 ^= ctx(tokens, floor, start + off + 3, off + 3, width);
        // token i + 1 reads the same lanes one position later
        b0 ^= ctx(tokens, floor, start + off + 1, off, width);
        b1 ^= ctx(tokens, floor, start + off + 2, off + 1, width);
        b2 ^= ctx(tokens, floor, start + off + 3, off + 2, width);
        b3 ^= ctx(tokens, floor, start + off + 4, off + 3, width);
        int r0 = k0 ^ off;
        int r1 = k1;
        for (int r = 0; r < 10; r++) {
          long p0 = M0 * (a0 & 0xFFFFFFFFL);
          long p1 = M1 * (a2 & 0xFFFFFFFFL);
          long q0 = M0 * (b0 & 0xFFFFFFFFL);
          long q1 = M1 * (b2 & 0xFFFFFFFFL);
          int n0 = (int) (p1 >>> 32) ^ a1 ^ r0;
          int n2 = (int) (p0 >>> 32) ^ a3 ^ r1;
          int m0 = (int) (q1 >>> 32) ^ b1 ^ r0;
          int m2 = (int) (q0 >>> 32) ^ b3 ^ r1;
          a1 = (int) p1;
          a3 = (int) p0;
          a0 = n0;
          a2 = n2;
          b1 = (int) q1;
          b3 = (int) q0;
          b0 = m0;
          b2 = m2;
          r0 += W0;
          r1 += W1;
        }
      }
      s0[j] = a0;
      s1[j] = a1;
      s2[j] = a2;
      s3[j] = a3;
      s0[j + 1] = b0;
      s1[j + 1] = b1;
      s2[j + 1] = b2;
      s3[j + 1] = b3;
    }
    if (from + j < to) {
      int a0 = CONTEXT_DOMAIN;
      int a1 = width;
      int a2 = 0;
      int a3 = 0;
      int start = from + j - width;
      for (int off = 0; off < width; off += 4) {
        int r0 = k0 ^ off;
        int r1 = k1;
        a0 ^= ctx(tokens, floor, start + off, off, width);
        a1 ^= ctx(tokens, floor, start + off + 1, off + 1, width);
        a2 ^= ctx(tokens, floor, start + off + 2, off + 2, width);
        a3 ^= ctx(tokens, floor, start + off + 3, off + 3, width);
        for (int r = 0; r < 10; r++) {
          long p0 = M0 * (a0 & 0xFFFFFFFFL);
          long p1 = M1 * (a2 & 0xFFFFFFFFL);
          int n0 = (int) (p1 >>> 32) ^ a1 ^ r0;
          int n2 = (int) (p0 >>> 32) ^ a3 ^ r1;
          a1 = (int) p1;
          a3 = (int) p0;
          a0 = n0;
          a2 = n2;
          r0 += W0;
          r1 += W1;
        }
      }
      s0[j] = a0;
      s1[j] = a1;
      s2[j] = a2;
      s3[j] = a3;
    }
  }

  /**
   * {@link #tokenWord} of every token {@code tokens[from + j]}, {@code j < to - from}, after its
   * own absorbed context {@code (s0[j], s1[j], s2[j], s3[j])}, into {@code out[j]}; two tokens at a
   * time as independent chains.
   */
  public static void tokenWordEach(
      long key, int[] tokens, int from, int to, int[] s0, int[] s1, int[] s2, int[] s3, int[] out) {
    int k0 = (int) key;
    int k1 = (int) (key >>> 32) ^ TOKEN_DOMAIN;
    int n = to - from;
    int j = 0;
    for (; j + 1 < n; j += 2) {
      int v = tokens[from + j];
      int u = tokens[from + j + 1];
      int a0 = v >>> 2;
      int a1 = s0[j];
      int a2 = s1[j];
      int a3 = s2[j];
      int ra = k0 ^ s3[j];
      int b0 = u >>> 2;
      int b1 = s0[j + 1];
      int b2 = s1[j + 1];
      int b3 = s2[j + 1];
      int rb = k0 ^ s3[j + 1];
      int r1 = k1;
      for (int r = 0; r < 10; r++) {
        long p0 = M0 * (a0 & 0xFFFFFFFFL);
        long p1 = M1 * (a2 & 0xFFFFFFFFL);
        long q0 = M0 * (b0 & 0xFFFFFFFFL);
        long q1 = M1 * (b2 & 0xFFFFFFFFL);
        int n0 = (int) (p1 >>> 32) ^ a1 ^ ra;
        int n2 = (int) (p0 >>> 32) ^ a3 ^ r1;
        int m0 = (int) (q1 >>> 32) ^ b1 ^ rb;
        int m2 = (int) (q0 >>> 32) ^ b3 ^ r1;
        a1 = (int) p1;
        a3 = (int) p0;
        a0 = n0;
        a2 = n2;
        b1 = (int) q1;
        b3 = (int) q0;
        b0 = m0;
        b2 = m2;
        ra += W0;
        rb += W0;
        r1 += W1;
      }
      out[j] = lane(v & 3, a0, a1, a2, a3);
      out[j + 1] = lane(u & 3, b0, b1, b2, b3);
    }
    if (j < n) {
      int v = tokens[from + j];
      out[j] = word(v >>> 2, s0[j], s1[j], s2[j], k0 ^ s3[j], k1, v & 3);
    }
  }

  private static int lane(int lane, int c0, int c1, int c2, int c3) {
    int lo = (lane & 1) == 0 ? c0 : c1;
    int hi = (lane & 1) == 0 ? c2 : c3;
    return lane < 2 ? lo : hi;
  }

  /**
   * The PRF uniform of a raw word: {@code ((w >>> 8) + 1) / (2^24 + 1)} in double, rounded once to
   * float, so it lies in (0, 1).
   */
  public static float uniform(int word) {
    return (float) (((word >>> 8) + 1) / TWO_24_PLUS_1);
  }
}
