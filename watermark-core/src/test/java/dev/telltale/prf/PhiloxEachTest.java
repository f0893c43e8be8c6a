package dev.telltale.prf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The per-token batches (one context per token, as scoring reads them) equal the one-token PRF. */
class PhiloxEachTest {
  @Test
  void batchEqualsOneTokenAtATime() {
    SplittableRandom rnd = new SplittableRandom(20261207L);
    int[] state = new int[4];
    for (int round = 0; round < 2000; round++) {
      long key = rnd.nextLong();
      int width = 1 + rnd.nextInt(9);
      int len = 1 + rnd.nextInt(40);
      int[] tokens = new int[len];
      for (int i = 0; i < len; i++) {
        tokens[i] = round % 7 == 0 ? rnd.nextInt() : rnd.nextInt(200_000);
      }
      int floor = rnd.nextInt(len);
      int from = floor + rnd.nextInt(len - floor);
      int to = from + rnd.nextInt(len - from + 1);
      int n = to - from;
      int[] s0 = new int[n];
      int[] s1 = new int[n];
      int[] s2 = new int[n];
      int[] s3 = new int[n];
      int[] words = new int[n];
      Philox4x32.absorbEach(key, tokens, floor, from, to, width, s0, s1, s2, s3);
      Philox4x32.tokenWordEach(key, tokens, from, to, s0, s1, s2, s3, words);
      for (int j = 0; j < n; j++) {
        Philox4x32.absorb(key, tokens, floor, from + j, width, state);
        String at = "round " + round + " width " + width + " token " + (from + j);
        assertEquals(state[0], s0[j], at);
        assertEquals(state[1], s1[j], at);
        assertEquals(state[2], s2[j], at);
        assertEquals(state[3], s3[j], at);
        assertEquals(Philox4x32.tokenWord(key, state, tokens[from + j]), words[j], at);
      }
    }
  }
}
