package dev.telltale.prf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The per-token batches (one context per token, as scoring reads them) equal the one-token PRF, on
 * the scalar chains and, where the module is in the JVM (surefire adds it), the Vector API lanes.
 */
class PhiloxEachTest {
  private static final int CAPACITY = 64;

  @Test
  void staticChainsEqualOneTokenAtATime() {
    SplittableRandom rnd = new SplittableRandom(20261207L);
    int[] state = new int[4];
    int[] s0 = new int[CAPACITY];
    int[] s1 = new int[CAPACITY];
    int[] s2 = new int[CAPACITY];
    int[] s3 = new int[CAPACITY];
    int[] words = new int[CAPACITY];
    for (int round = 0; round < 2000; round++) {
      Block b = Block.random(rnd, round);
      Philox4x32.absorbEach(b.key, b.tokens, b.floor, b.from, b.to, b.width, s0, s1, s2, s3);
      Philox4x32.tokenWordEach(b.key, b.tokens, b.from, b.to, s0, s1, s2, s3, words);
      for (int j = 0; j < b.to - b.from; j++) {
        Philox4x32.absorb(b.key, b.tokens, b.floor, b.from + j, b.width, state);
        String at = "round " + round + " width " + b.width + " token " + (b.from + j);
        assertEquals(state[0], s0[j], at);
        assertEquals(state[1], s1[j], at);
        assertEquals(state[2], s2[j], at);
        assertEquals(state[3], s3[j], at);
        assertEquals(Philox4x32.tokenWord(b.key, state, b.tokens[b.from + j]), words[j], at);
      }
    }
  }

  @Test
  void everyPathEqualsOneTokenAtATime() {
    assertTrue(
        PhiloxBatch.vector(CAPACITY).isPresent(),
        "surefire adds --add-modules jdk.incubator.vector for this module");
    List<PhiloxBatch> paths = new ArrayList<>();
    paths.add(PhiloxBatch.scalar(CAPACITY));
    paths.add(PhiloxBatch.of(CAPACITY));
    PhiloxBatch.vector(CAPACITY).ifPresent(paths::add);
    SplittableRandom rnd = new SplittableRandom(20261209L);
    int[] state = new int[4];
    for (int round = 0; round < 2000; round++) {
      Block b = Block.random(rnd, round);
      for (PhiloxBatch batch : paths) {
        batch.absorbEach(b.key, b.tokens, b.floor, b.from, b.to, b.width);
        long[] digests = new long[b.to - b.from];
        for (int j = 0; j < digests.length; j++) {
          digests[j] = batch.contextFingerprint(j);
        }
        batch.tokenWordEach(b.key, b.tokens, b.from, b.to);
        for (int j = 0; j < digests.length; j++) {
          Philox4x32.absorb(b.key, b.tokens, b.floor, b.from + j, b.width, state);
          String at = "round " + round + " width " + b.width + " token " + (b.from + j);
          assertEquals(VllmPrf.contextFingerprint(state), digests[j], at);
          assertEquals(Philox4x32.tokenWord(b.key, state, b.tokens[b.from + j]), batch.word(j), at);
        }
      }
    }
  }

  private record Block(long key, int width, int[] tokens, int floor, int from, int to) {
    static Block random(SplittableRandom rnd, int round) {
      int len = 1 + rnd.nextInt(CAPACITY + 20);
      int[] tokens = new int[len];
      for (int i = 0; i < len; i++) {
        tokens[i] = round % 7 == 0 ? rnd.nextInt() : rnd.nextInt(200_000);
      }
      int floor = rnd.nextInt(len);
      int from = floor + rnd.nextInt(len - floor);
      int to = from + rnd.nextInt(Math.min(CAPACITY, len - from) + 1);
      return new Block(rnd.nextLong(), 1 + rnd.nextInt(9), tokens, floor, from, to);
    }
  }
}
