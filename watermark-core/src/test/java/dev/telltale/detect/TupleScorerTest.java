package dev.telltale.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.telltale.TestKeys;
import dev.telltale.collect.LongOpenHashSet;
import dev.telltale.key.WatermarkKey;
import dev.telltale.prf.WatermarkPrf;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

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

  /** Scheme 0: green list; 1: green list with self-hash; 2: Gumbel. */
  record Case(long seed, int h, int scheme, int length, int vocab) {}

  @Test
  void blockedCachedScoringEqualsThePlainDefinition() {
    Gen<Case> cases =
        longs()
            .all()
            .zip(
                integers().between(1, 4),
                integers().between(0, 2),
                integers().between(0, 3000),
                integers().between(2, 50_000),
                Case::new);
    qt().withFixedSeed(0x5C0_2E01L)
        .withExamples(200)
        .forAll(cases)
        .checkAssert(TupleScorerTest::scoresLikeTheDefinition);
  }

  private static void scoresLikeTheDefinition(Case c) {
    boolean gumbel = c.scheme() == 2;
    SplittableRandom r = new SplittableRandom(c.seed());
    WatermarkKey key =
        TestKeys.key(
            c.seed(),
            gumbel
                ? GumbelParameters.builder().contextWidth(c.h()).build()
                : GreenListParameters.builder()
                    .contextWidth(c.h())
                    .selfHash(c.scheme() == 1)
                    .build());
    WatermarkKey other = TestKeys.key(c.seed() + 1, GreenListParameters.defaults());
    int[] ids = r.ints(c.length(), 0, c.vocab()).toArray();
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
    assertEquals(Math.max(0, c.length() - c.h()), acc.positions());
  }
}
