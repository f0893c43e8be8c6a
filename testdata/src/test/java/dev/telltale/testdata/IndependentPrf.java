package dev.telltale.testdata;

import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.macs.SipHash;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * A second implementation of the watermark PRF, written from its specification with Bouncy Castle's
 * HKDF and SipHash, to generate and check the known-answer vectors independently of core.
 */
final class IndependentPrf {
  private IndependentPrf() {}

  static byte[] seedKey(byte[] secret) {
    HKDFBytesGenerator g = new HKDFBytesGenerator(new SHA256Digest());
    g.init(
        new HKDFParameters(
            secret,
            "telltale/v1".getBytes(StandardCharsets.US_ASCII),
            "telltale/v1/context-seed".getBytes(StandardCharsets.US_ASCII)));
    byte[] out = new byte[16];
    g.generateBytes(out, 0, 16);
    return out;
  }

  /** The hashed words: the context tokens, then the token itself under self-hash. */
  static long[] words(int[] context, boolean selfHash, int token) {
    long[] words = new long[context.length + (selfHash ? 1 : 0)];
    for (int i = 0; i < context.length; i++) {
      words[i] = context[i];
    }
    if (selfHash) {
      words[context.length] = token;
    }
    return words;
  }

  /** SipHash-2-4 of the LE64 words of {@code words}. */
  static long seed(byte[] seedKey, long... words) {
    byte[] msg = new byte[words.length * 8];
    for (int w = 0; w < words.length; w++) {
      for (int b = 0; b < 8; b++) {
        msg[w * 8 + b] = (byte) (words[w] >>> (8 * b));
      }
    }
    SipHash mac = new SipHash(2, 4);
    mac.init(new KeyParameter(seedKey));
    mac.update(msg, 0, msg.length);
    return mac.doFinal();
  }

  /** PRF v2's seed: SipHash-1-3 of the LE32 bytes of the context tokens (and self-hash token). */
  static long seedV2(byte[] seedKey, int[] context, boolean selfHash, int token) {
    int n = context.length + (selfHash ? 1 : 0);
    byte[] msg = new byte[n * 4];
    for (int w = 0; w < n; w++) {
      int t = w < context.length ? context[w] : token;
      for (int b = 0; b < 4; b++) {
        msg[w * 4 + b] = (byte) (t >>> (8 * b));
      }
    }
    SipHash mac = new SipHash(1, 3);
    mac.init(new KeyParameter(seedKey));
    mac.update(msg, 0, msg.length);
    return mac.doFinal();
  }

  /** PRF v2's per-token bits: two keyed 32-bit mixes, written out from the specification. */
  static long bitsV2(long seed, int token) {
    long hi = mix32(token, (int) seed, (int) (seed >>> 32), 0x7feb352d, 0x846ca68b);
    long lo = mix32(token, (int) (seed >>> 32), (int) seed, 0xed5ad4bb, 0xac4c1b51);
    return (hi << 32) | lo;
  }

  // x = v ^ a; x = (x ^ x >>> 16) * m1; x ^= b; x = (x ^ x >>> 15) * m2; x ^ x >>> 16, mod 2^32
  private static long mix32(int v, int a, int b, int m1, int m2) {
    long x = (v ^ a) & 0xffffffffL;
    x = ((x ^ (x >>> 16)) * (m1 & 0xffffffffL)) & 0xffffffffL;
    x ^= b & 0xffffffffL;
    x = ((x ^ (x >>> 15)) * (m2 & 0xffffffffL)) & 0xffffffffL;
    return x ^ (x >>> 16);
  }

  static long bits(long seed, long token) {
    long z = seed ^ (token * 0x9E3779B97F4A7C15L);
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  static boolean green(long bits, double gamma) {
    return (bits >>> 11) < (long) Math.floor(gamma * 0x1p53);
  }

  static double gumbelR(long bits) {
    return ((bits >>> 11) + 0.5) / 0x1p53;
  }
}
