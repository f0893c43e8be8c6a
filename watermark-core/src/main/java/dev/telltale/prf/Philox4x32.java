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
  private static final int CONTEXT_DOMAIN = 0x574D4358; // "WMCX"
  private static final int TOKEN_DOMAIN = 0x574D544B; // "WMTK"
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
  private static int ctx(int[] tokens, int floor, int i, int j, int width) {
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
   * The PRF uniform of a raw word: {@code ((w >>> 8) + 1) / (2^24 + 1)} in double, rounded once to
   * float, so it lies in (0, 1).
   */
  public static float uniform(int word) {
    return (float) (((word >>> 8) + 1) / TWO_24_PLUS_1);
  }
}
