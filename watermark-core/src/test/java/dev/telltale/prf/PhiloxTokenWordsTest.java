package dev.telltale.prf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The batched per-candidate words equal the one-token PRF, word for word. */
class PhiloxTokenWordsTest {
  @Test
  void batchEqualsOneTokenAtATime() {
    SplittableRandom rnd = new SplittableRandom(20261206L);
    int[] state = new int[4];
    for (int round = 0; round < 500; round++) {
      long key = rnd.nextLong();
      int[] ctx = {rnd.nextInt(), rnd.nextInt(200_000), rnd.nextInt(), rnd.nextInt(50)};
      Philox4x32.absorb(key, ctx, rnd.nextInt(3), 4, 1 + rnd.nextInt(4), state);
      int n = 1 + rnd.nextInt(300);
      int[] tokens = new int[n];
      boolean[] want = new boolean[n];
      for (int i = 0; i < n; i++) {
        tokens[i] = round % 5 == 0 ? rnd.nextInt() : rnd.nextInt(200_000);
        want[i] = rnd.nextInt(4) != 0;
      }
      int[] out = new int[n];
      Philox4x32.tokenWords(key, state, tokens, n, null, out);
      for (int i = 0; i < n; i++) {
        assertEquals(Philox4x32.tokenWord(key, state, tokens[i]), out[i], "token " + tokens[i]);
      }
      int[] byIndex = new int[n];
      int[] allByIndex = new int[n];
      Philox4x32.tokenWords(key, state, null, n, null, allByIndex);
      for (int i = 0; i < n; i++) {
        assertEquals(Philox4x32.tokenWord(key, state, i), allByIndex[i], "all, index " + i);
      }
      java.util.Arrays.fill(byIndex, 0x5EED);
      Philox4x32.tokenWords(key, state, null, n, want, byIndex);
      for (int i = 0; i < n; i++) {
        int expected = want[i] ? Philox4x32.tokenWord(key, state, i) : 0x5EED;
        assertEquals(expected, byIndex[i], "index " + i);
      }
    }
  }
}
