package dev.telltale.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Add, remove and contains agree with java.util.HashSet, through collisions and growth. */
class LongOpenHashSetRemoveTest {
  @Test
  void behavesAsAHashSet() {
    qt().withFixedSeed(4242L)
        .withExamples(200)
        .forAll(longs().all(), integers().between(1, 400), integers().between(1, 2000))
        .checkAssert(
            (seed, range, ops) -> {
              SplittableRandom r = new SplittableRandom(seed);
              LongOpenHashSet set = new LongOpenHashSet(r.nextInt(40));
              Set<Long> model = new HashSet<>();
              for (int i = 0; i < ops; i++) {
                // small ranges (zero included) crowd the probe runs
                long v = r.nextInt(range) - range / 4;
                switch (r.nextInt(3)) {
                  case 0 -> assertEquals(model.add(v), set.add(v), "add " + v);
                  case 1 -> assertEquals(model.remove(v), set.remove(v), "remove " + v);
                  default -> assertEquals(model.contains(v), set.contains(v), "contains " + v);
                }
                assertEquals(model.size(), set.size());
              }
              for (long v = -range; v <= range; v++) {
                assertEquals(model.contains(v), set.contains(v), "contains " + v);
              }
            });
  }
}
