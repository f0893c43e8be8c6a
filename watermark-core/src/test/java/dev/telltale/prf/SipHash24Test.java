package dev.telltale.prf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.SplittableRandom;
import org.bouncycastle.crypto.macs.SipHash;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

class SipHash24Test {
  private static final byte[] KEY = new byte[16];

  static {
    for (int i = 0; i < 16; i++) {
      KEY[i] = (byte) i;
    }
  }

  @Test
  void matchesReferenceVectorsOfThePaper() {
    // Reference outputs of SipHash-2-4 with key 00..0f on messages 00..(len-1) (Aumasson and
    // Bernstein, vectors.h), read as little-endian 64-bit words.
    assertEquals(0x726fdb47dd0e0e31L, reference(0));
    assertEquals(0x93f5f5799a932462L, reference(8));
    assertEquals(0x3f2acc7f57c29bdbL, reference(16));
  }

  private static long reference(int len) {
    long[] words = new long[len / 8];
    for (int w = 0; w < words.length; w++) {
      long v = 0;
      for (int b = 7; b >= 0; b--) {
        v = (v << 8) | (w * 8 + b);
      }
      words[w] = v;
    }
    return SipHash24.hashWords(
        WatermarkPrf.readLe64(KEY, 0), WatermarkPrf.readLe64(KEY, 8), words, 0, words.length);
  }

  @Test
  void tokenWindowsHashLikeBouncyCastle() {
    qt().withFixedSeed(0x5195_0001L)
        .withExamples(300)
        .forAll(longs().all(), integers().between(1, 8), booleans().all())
        .checkAssert(SipHash24Test::hashesLikeBouncyCastle);
  }

  private static void hashesLikeBouncyCastle(long seed, int h, boolean withExtra) {
    SplittableRandom r = new SplittableRandom(seed);
    byte[] key = new byte[16];
    r.nextBytes(key);
    int[] tokens = new int[h + 3];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = r.nextInt(0, 1 << 20);
    }
    int extra = withExtra ? r.nextInt(0, 1 << 20) : -1;
    int end = tokens.length - 1;
    int words = h + (withExtra ? 1 : 0);
    byte[] msg = new byte[words * 8];
    for (int w = 0; w < words; w++) {
      long v = w < h ? tokens[end - h + w] : extra;
      for (int b = 0; b < 8; b++) {
        msg[w * 8 + b] = (byte) (v >>> (8 * b));
      }
    }
    SipHash mac = new SipHash(2, 4);
    mac.init(new KeyParameter(key));
    mac.update(msg, 0, msg.length);
    long expected = mac.doFinal();
    long actual =
        SipHash24.hashTokens(
            WatermarkPrf.readLe64(key, 0), WatermarkPrf.readLe64(key, 8), tokens, end, h, extra);
    assertEquals(expected, actual);
  }
}
