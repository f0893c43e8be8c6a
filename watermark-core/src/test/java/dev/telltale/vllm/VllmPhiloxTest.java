package dev.telltale.vllm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.telltale.prf.Philox4x32;
import dev.telltale.prf.VllmPrf;
import org.junit.jupiter.api.Test;

/** Known answers of vLLM's {@code tests/watermarking/test_prf.py} and of its derived keys. */
class VllmPhiloxTest {
  @Test
  void rawWordsAndMantissasMatchVllmsKnownAnswers() {
    int[][] contexts = {{1, 2, 3, 4}, {4, 5, 6, 7}};
    int[] tokens = {7, 8};
    long[][] raw = {{425429266L, 2706218805L}, {2494036831L, 3424185538L}};
    long[][] mantissa = {{1661833, 10571167}, {9742331, 13375724}};
    int[] st = new int[4];
    for (int i = 0; i < 2; i++) {
      Philox4x32.absorb(42, contexts[i], 0, 4, 4, st);
      for (int j = 0; j < 2; j++) {
        int w = Philox4x32.tokenWord(42, st, tokens[j]);
        assertEquals(raw[i][j], w & 0xFFFFFFFFL);
        assertEquals(mantissa[i][j], w >>> 8);
        assertEquals((float) (((w >>> 8) + 1) / 16777217.0), Philox4x32.uniform(w));
      }
    }
  }

  @Test
  void theFourWordsOfABlockAreTheWordsOfItsTokens() {
    int[] st = new int[4];
    Philox4x32.absorb(-1L, new int[] {9, 8, 7}, 1, 3, 5, st);
    int[] out = new int[4];
    Philox4x32.tokenWords(-1L, st, 3, out);
    for (int j = 0; j < 4; j++) {
      assertEquals(out[j], Philox4x32.tokenWord(-1L, st, 12 + j));
    }
  }

  @Test
  void derivedKeysOfKeyZero() {
    assertEquals(Long.parseUnsignedLong("15691511769010696906"), VllmPrf.deriveKey("key_a", 0));
    assertEquals(Long.parseUnsignedLong("9736202488081271922"), VllmPrf.deriveKey("key_b", 0));
    assertEquals(Long.parseUnsignedLong("37150756557148556"), VllmPrf.deriveKey("key_a", 42));
    assertEquals(Long.parseUnsignedLong("7399018451426338514"), VllmPrf.deriveKey("key_b", -1L));
  }

  @Test
  void jenkinsHashOfThePaddingTokenIsZero() {
    assertEquals(0L, VllmPrf.jenkins(-1));
  }
}
