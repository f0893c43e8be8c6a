package dev.telltale.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.telltale.prf.PhiloxBatch;
import dev.telltale.prf.VllmPrf;
import dev.telltale.scheme.VllmDedup;
import dev.telltale.scheme.VllmDualKeyGumbelParameters;
import dev.telltale.scheme.VllmGumbelParameters;
import dev.telltale.scheme.VllmParameters;
import dev.telltale.scheme.VllmRedGreenParameters;
import dev.telltale.scheme.VllmSbwParameters;
import dev.telltale.scheme.VllmSynthIdParameters;
import java.util.HashSet;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Long passes find their repeated contexts by grouping ({@link RepeatedContexts}), and look their
 * tape up ahead in one call ({@link ExactTape#firstSeenEach}, grouped on a large tape), with or
 * without the key's dedup, and score exactly as the set filled token by token does: the same marks
 * as a reference set in position order (the digest 0 included, groups of every size), and, through
 * {@link VllmTupleScorer}, the same counts, score bits, trace and tape on random ids with many
 * repeated contexts, on both Philox paths, with a small or a large tape shared by two passes.
 */
class RepeatedContextsTest {
  @Test
  void marksTheDigestsAnOrderedSetHasSeen() {
    qt().withFixedSeed(0x5EC0_0015L)
        .withExamples(300)
        .forAll(longs().all(), integers().between(0, 40_000), integers().between(1, 5))
        .checkAssert(this::sameMarks);
  }

  private void sameMarks(long seed, int n, int spread) {
    SplittableRandom rnd = new SplittableRandom(seed);
    // from heavy repeats (a few hundred distinct digests) to nearly all distinct
    int distinct = spread == 5 ? Integer.MAX_VALUE : Math.max(1, n >> (2 * spread));
    long[] pool = new long[Math.min(distinct, 1 << 16)];
    for (int i = 0; i < pool.length; i++) {
      pool[i] = (i & 63) == 7 ? 0 : rnd.nextLong();
    }
    long[] digests = new long[n];
    for (int i = 0; i < n; i++) {
      digests[i] = distinct == Integer.MAX_VALUE ? rnd.nextLong() : pool[rnd.nextInt(pool.length)];
    }
    long[] repeated = new long[(n + 63) >>> 6];
    java.util.Arrays.fill(repeated, -1L); // stale marks of an earlier pass
    new RepeatedContexts().mark(digests, n, repeated, new int[n], new long[n]);
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < n; i++) {
      boolean expected = !seen.add(digests[i]);
      assertEquals(expected, (repeated[i >>> 6] & (1L << i)) != 0, "position " + i + " of " + n);
    }
  }

  @Test
  void groupedPassesScoreAsTheSetOfContexts() {
    qt().withFixedSeed(0x5EC0_0016L)
        .withExamples(150)
        .forAll(longs().all(), integers().between(0, 4), integers().between(1, 4))
        .checkAssert(this::sameScores);
  }

  private void sameScores(long seed, int scheme, int width) {
    SplittableRandom rnd = new SplittableRandom(seed);
    OptionalInt history = OptionalInt.of(8192);
    VllmDedup generation = VllmDedup.values()[rnd.nextInt(3)];
    // without the key's dedup, long passes still look their tape up ahead
    boolean dedup = rnd.nextInt(4) != 0;
    VllmParameters parameters =
        switch (scheme) {
          case 0 -> new VllmGumbelParameters(width, generation, history, dedup);
          case 1 -> new VllmDualKeyGumbelParameters(width, generation, history, dedup, 0.1, 0.1);
          case 2 -> new VllmRedGreenParameters(width, generation, history, dedup, 0.25, 2.0);
          case 3 -> new VllmSynthIdParameters(width, generation, history, dedup, 1 + width * 5);
          default -> new VllmSbwParameters(width, generation, history, dedup, 0.5, 2.0);
        };
    VllmPrf prf = VllmPrf.of(parameters, rnd.nextLong());
    int len = 1 + rnd.nextInt(rnd.nextBoolean() ? 300 : 12_000);
    int[] ids = new int[len];
    // tiny vocabularies repeat contexts (and whole tuples) often
    int vocab = new int[] {2, 3, 5, 40, 100_000}[rnd.nextInt(5)];
    for (int i = 0; i < len; i++) {
      ids[i] = rnd.nextInt(vocab);
    }
    int off = rnd.nextInt(len);
    int mid = off + rnd.nextInt(len - off + 1);
    PhiloxBatch[] paths = {
      PhiloxBatch.scalar(VllmFingerprints.BLOCK),
      PhiloxBatch.vector(VllmFingerprints.BLOCK).orElse(PhiloxBatch.scalar(VllmFingerprints.BLOCK))
    };
    // a tape of 2^18 slots or more groups its lookups too (LongOpenHashSet#addEach)
    int tapeSize = rnd.nextBoolean() ? 16 : 1 << 17;
    for (PhiloxBatch path : paths) {
      Totals bySet = score(prf, path, ids, off, mid, len, Integer.MAX_VALUE, tapeSize);
      Totals grouped = score(prf, path, ids, off, mid, len, 0, tapeSize);
      String at = parameters + " vocab " + vocab + " len " + len + " off " + off + " mid " + mid;
      assertEquals(bySet.acc.positions(), grouped.acc.positions(), at);
      assertEquals(bySet.acc.scored(), grouped.acc.scored(), at);
      assertEquals(bySet.acc.duplicates(), grouped.acc.duplicates(), at);
      assertEquals(bySet.acc.green(), grouped.acc.green(), at);
      assertEquals(
          Double.doubleToRawLongBits(bySet.acc.sum()),
          Double.doubleToRawLongBits(grouped.acc.sum()),
          at);
      assertEquals(bySet.trace.size(), grouped.trace.size(), at);
      for (int i = 0; i < bySet.trace.size(); i++) {
        assertEquals(bySet.trace.position(i), grouped.trace.position(i), at);
        assertEquals(
            Double.doubleToRawLongBits(bySet.trace.value(i)),
            Double.doubleToRawLongBits(grouped.trace.value(i)),
            at + " tuple " + i);
      }
      assertEquals(bySet.tape.size(), grouped.tape.size(), at);
    }
  }

  // Two passes sharing one tape and one accumulator, [off, mid) then [off, len).
  private static Totals score(
      VllmPrf prf,
      PhiloxBatch batch,
      int[] ids,
      int off,
      int mid,
      int len,
      int groupedFrom,
      int tapeSize) {
    VllmTupleScorer scorer = new VllmTupleScorer(prf);
    VllmFingerprints f = new VllmFingerprints(prf, batch);
    ExactTape tape = new ExactTape(tapeSize);
    ScoreAccumulator acc = new ScoreAccumulator();
    ScoreTrace trace = new ScoreTrace();
    scorer.score(ids, off, mid - off, tape, acc, trace, f, groupedFrom);
    scorer.score(ids, off, len - off, tape, acc, trace, f, groupedFrom);
    return new Totals(acc, trace, tape);
  }

  private record Totals(ScoreAccumulator acc, ScoreTrace trace, ExactTape tape) {}
}
