package dev.telltale.prf;

/**
 * SipHash-1-3 (one compression round per 8-byte block, three finalization rounds) over token ids
 * read as 32-bit little-endian words, specialised so that hashing a token window allocates nothing.
 * Equal to the reference SipHash-1-3 of the concatenated LE32 bytes (standard length byte and
 * padding); the context seed of PRF v2.
 */
public final class SipHash13 {
  private SipHash13() {}

  /**
   * Hashes the token ids {@code tokens[end-h .. end)} and, when {@code extra >= 0}, {@code extra}
   * after them, each as 4 LE bytes, with key {@code (k0, k1)}.
   */
  public static long hashTokens(long k0, long k1, int[] tokens, int end, int h, int extra) {
    if (h == 2 && extra < 0) {
      return hashPair(k0, k1, tokens[end - 2], tokens[end - 1]);
    }
    long v0 = k0 ^ 0x736f6d6570736575L;
    long v1 = k1 ^ 0x646f72616e646f6dL;
    long v2 = k0 ^ 0x6c7967656e657261L;
    long v3 = k1 ^ 0x7465646279746573L;
    int n = h + (extra >= 0 ? 1 : 0);
    int base = end - h;
    int t = 0;
    for (; t + 1 < n; t += 2) {
      long m =
          (token(tokens, base, h, extra, t) & 0xffffffffL)
              | ((long) token(tokens, base, h, extra, t + 1) << 32);
      v3 ^= m;
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
      v0 ^= m;
    }
    long b = ((long) (n * 4) & 0xffL) << 56;
    if (t < n) {
      b |= token(tokens, base, h, extra, t) & 0xffffffffL;
    }
    return finish(v0, v1, v2, v3, b);
  }

  /** The default context (two tokens, no self-hash): one 8-byte block, then the length block. */
  static long hashPair(long k0, long k1, int a, int b) {
    long m = (a & 0xffffffffL) | ((long) b << 32);
    long v0 = k0 ^ 0x736f6d6570736575L;
    long v1 = k1 ^ 0x646f72616e646f6dL;
    long v2 = k0 ^ 0x6c7967656e657261L;
    long v3 = k1 ^ 0x7465646279746573L ^ m;
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
    v0 ^= m;
    return finish(v0, v1, v2, v3, 8L << 56);
  }

  /** Reference SipHash-1-3 of {@code msg} (for tests and other languages' cross-checks). */
  public static long hashBytes(long k0, long k1, byte[] msg) {
    long v0 = k0 ^ 0x736f6d6570736575L;
    long v1 = k1 ^ 0x646f72616e646f6dL;
    long v2 = k0 ^ 0x6c7967656e657261L;
    long v3 = k1 ^ 0x7465646279746573L;
    int whole = msg.length & ~7;
    for (int i = 0; i < whole; i += 8) {
      long m = WatermarkPrf.readLe64(msg, i);
      v3 ^= m;
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
      v0 ^= m;
    }
    long b = ((long) msg.length & 0xffL) << 56;
    for (int i = whole; i < msg.length; i++) {
      b |= (msg[i] & 0xffL) << (8 * (i - whole));
    }
    return finish(v0, v1, v2, v3, b);
  }

  private static int token(int[] tokens, int base, int h, int extra, int t) {
    return t < h ? tokens[base + t] : extra;
  }

  private static long finish(long v0, long v1, long v2, long v3, long b) {
    v3 ^= b;
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
    v0 ^= b;
    v2 ^= 0xffL;
    for (int r = 0; r < 3; r++) {
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
