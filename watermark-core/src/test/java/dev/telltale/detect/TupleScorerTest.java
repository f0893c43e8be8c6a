package dev.telltale.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.telltale.TestKeys;
import dev.telltale.collect.LongOpenHashSet;
import dev.telltale.key.WatermarkKey;
import dev.telltale.prf.WatermarkPrf;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class TupleScorerTest {
  /** The scoring definition, written as plainly as possible: one SipHash per position. */
  static double[] reference(WatermarkKey key, int[] ids) {
    WatermarkPrf prf = WatermarkPrf.of(key);
    int h = key.parameters().contextWidth();
    boolean green = key.parameters() instanceof GreenListParameters;
    LongOpenHashSet seen = new LongOpenHashSet(16);
    double scored = 0;
    double sum = 0;
    for (int i = h; i < ids.length; i++) {
      long seed = prf.selfHash() ? prf.selfHashSeed(ids, i, ids[i]) : prf.contextSeed(ids, i);
      long u = WatermarkPrf.bits(seed, ids[i]);
      if (seen.add(u)) {
        scored++;
        sum += green ? (prf.isGreenBits(u) ? 1 : 0) : WatermarkPrf.gumbelScore(u);
      }
    }
    return new double[] {scored, sum};
  }

  @Property(tries = 200)
  void blockedCachedScoringEqualsThePlainDefinition(
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 4) int h,
      @ForAll boolean gumbel,
      @ForAll boolean selfHash,
      @ForAll @IntRange(min = 0, max = 3000) int length,
      @ForAll @IntRange(min = 2, max = 50_000) int vocab) {
    SplittableRandom r = new SplittableRandom(seed);
    WatermarkKey key =
        TestKeys.key(
            seed,
            gumbel
                ? GumbelParameters.builder().contextWidth(h).build()
                : GreenListParameters.builder().contextWidth(h).selfHash(selfHash).build());
    WatermarkKey other = TestKeys.key(seed + 1, GreenListParameters.defaults());
    int[] ids = r.ints(length, 0, vocab).toArray();
    ScoreAccumulator acc = new ScoreAccumulator();
    // a reused accumulator that last served another key must not leak its cached seeds
    TupleScorer.of(other).score(ids, 0, ids.length, new ExactTape(16), acc, null);
    acc.reset();
    TupleScorer.of(key).score(ids, 0, ids.length, new ExactTape(16), acc, null);
    double[] expected = reference(key, ids);
    assertEquals((long) expected[0], acc.scored());
    if (gumbel) {
      assertEquals(expected[1], acc.sum(), 1e-9 * Math.max(1, expected[1]));
    } else {
      assertEquals((long) expected[1], acc.green());
    }
    assertEquals(Math.max(0, length - h), acc.positions());
  }
}
