package dev.telltale.prf;

/**
 * SipHash-2-4 over a message of whole 64-bit little-endian words, specialised so that hashing a
 * token window allocates nothing. Equal to the reference SipHash-2-4 of the words' LE bytes.
 */
public final class SipHash24 {
  private SipHash24() {}

  /** Hashes {@code words[off .. off+len)} (each read as 8 LE bytes) with key {@code (k0, k1)}. */
  public static long hashWords(long k0, long k1, long[] words, int off, int len) {
    long v0 = k0 ^ 0x736f6d6570736575L;
    long v1 = k1 ^ 0x646f72616e646f6dL;
    long v2 = k0 ^ 0x6c7967656e657261L;
    long v3 = k1 ^ 0x7465646279746573L;
    for (int i = off; i < off + len; i++) {
      long m = words[i];
      v3 ^= m;
      for (int r = 0; r < 2; r++) {
        v0 += v1;
        v1 = Long.rotateLeft(v1, 13);
        v1 ^= v0;
        v0 = Long.rotateLeft(v0, 32);
        v2 += v3;
        v3 = Long.rotateLeft(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = Long.rotateLeft(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = Long.rotateLeft(v1, 17);
        v1 ^= v2;
        v2 = Long.rotateLeft(v2, 32);
      }
      v0 ^= m;
    }
    return finish(v0, v1, v2, v3, ((long) (len * 8) & 0xffL) << 56);
  }

  /**
   * Hashes the token ids {@code tokens[end-h .. end)} (each widened to a 64-bit LE word) and, when
   * {@code extra >= 0}, one more word holding {@code extra}. This is the context seed.
   */
  public static long hashTokens(long k0, long k1, int[] tokens, int end, int h, int extra) {
    long v0 = k0 ^ 0x736f6d6570736575L;
    long v1 = k1 ^ 0x646f72616e646f6dL;
    long v2 = k0 ^ 0x6c7967656e657261L;
    long v3 = k1 ^ 0x7465646279746573L;
    int words = h + (extra >= 0 ? 1 : 0);
    for (int w = 0; w < words; w++) {
      long m = w < h ? (long) tokens[end - h + w] : (long) extra;
      v3 ^= m;
      for (int r = 0; r < 2; r++) {
        v0 += v1;
        v1 = Long.rotateLeft(v1, 13);
        v1 ^= v0;
        v0 = Long.rotateLeft(v0, 32);
        v2 += v3;
        v3 = Long.rotateLeft(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = Long.rotateLeft(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = Long.rotateLeft(v1, 17);
        v1 ^= v2;
        v2 = Long.rotateLeft(v2, 32);
      }
      v0 ^= m;
    }
    return finish(v0, v1, v2, v3, ((long) (words * 8) & 0xffL) << 56);
  }

  private static long finish(long v0, long v1, long v2, long v3, long b) {
    v3 ^= b;
    for (int r = 0; r < 2; r++) {
      v0 += v1;
      v1 = Long.rotateLeft(v1, 13);
      v1 ^= v0;
      v0 = Long.rotateLeft(v0, 32);
      v2 += v3;
      v3 = Long.rotateLeft(v3, 16);
      v3 ^= v2;
      v0 += v3;
      v3 = Long.rotateLeft(v3, 21);
      v3 ^= v0;
      v2 += v1;
      v1 = Long.rotateLeft(v1, 17);
      v1 ^= v2;
      v2 = Long.rotateLeft(v2, 32);
    }
    v0 ^= b;
    v2 ^= 0xffL;
    for (int r = 0; r < 4; r++) {
      v0 += v1;
      v1 = Long.rotateLeft(v1, 13);
      v1 ^= v0;
      v0 = Long.rotateLeft(v0, 32);
      v2 += v3;
      v3 = Long.rotateLeft(v3, 16);
      v3 ^= v2;
      v0 += v3;
      v3 = Long.rotateLeft(v3, 21);
      v3 ^= v0;
      v2 += v1;
      v1 = Long.rotateLeft(v1, 17);
      v1 ^= v2;
      v2 = Long.rotateLeft(v2, 32);
    }
    return v0 ^ v1 ^ v2 ^ v3;
  }
}
