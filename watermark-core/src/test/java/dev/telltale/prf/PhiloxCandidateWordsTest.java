package dev.telltale.prf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A step's candidate words, on both paths, equal the one-token PRF word for word: any key, context
 * width and token ids (negative ones, all four words of a block, repeated ids), any count and range
 * (a vector's tail lanes included), one instance reused across steps.
 */
class PhiloxCandidateWordsTest {
  @Test
  void vectorPathIsInThisJvm() {
    // surefire adds jdk.incubator.vector: the vector path must be what these tests exercise
    assertTrue(PhiloxCandidateWords.vector().isPresent(), PhiloxCandidateWords.path());
  }

  @Test
  void everyPathEqualsTheOneTokenWord() {
    List<PhiloxCandidateWords> paths = new ArrayList<>();
    paths.add(PhiloxCandidateWords.scalar());
    paths.add(PhiloxCandidateWords.of());
    PhiloxCandidateWords.vector().ifPresent(paths::add);
    qt().withFixedSeed(0x15_0C4D_1DA7L)
        .withExamples(300)
        .forAll(longs().all(), integers().between(0, 700))
        .checkAssert(
            (seed, n) -> {
              SplittableRandom rnd = new SplittableRandom(seed);
              long key = rnd.nextLong();
              int[] ctx = {rnd.nextInt(), rnd.nextInt(200_000), rnd.nextInt(), rnd.nextInt(50)};
              int[] state = new int[4];
              Philox4x32.absorb(key, ctx, rnd.nextInt(3), 4, 1 + rnd.nextInt(4), state);
              int[] tokens = new int[n + 3];
              for (int i = 0; i < n; i++) {
                switch (rnd.nextInt(4)) {
                  case 0 -> tokens[i] = rnd.nextInt(); // negative ids read as unsigned
                  case 1 -> tokens[i] = i > 0 ? tokens[i - 1] ^ 1 : 7; // same block
                  case 2 -> tokens[i] = i > 0 ? tokens[rnd.nextInt(i)] : 0; // repeated
                  default -> tokens[i] = rnd.nextInt(262_144);
                }
              }
              for (PhiloxCandidateWords p : paths) {
                int[] out = new int[n + 3];
                out[n] = 0x5EED;
                p.words(key, state, tokens, n, out);
                for (int i = 0; i < n; i++) {
                  assertEquals(
                      Philox4x32.tokenWord(key, state, tokens[i]), out[i], "token " + tokens[i]);
                }
                assertEquals(0x5EED, out[n], "wrote past m");
                int from = n == 0 ? 0 : rnd.nextInt(n + 1);
                int[] range = new int[n + 3];
                java.util.Arrays.fill(range, 0x5EED);
                p.words(key, state, tokens, from, n, range);
                for (int i = 0; i < n + 3; i++) {
                  int expected =
                      i >= from && i < n ? Philox4x32.tokenWord(key, state, tokens[i]) : 0x5EED;
                  assertEquals(expected, range[i], "range [" + from + ", " + n + "), " + i);
                }
              }
            });
  }
}
