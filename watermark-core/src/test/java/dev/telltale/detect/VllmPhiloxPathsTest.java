package dev.telltale.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
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
import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Scoring on the Vector API Philox path gives the same counts, the same score bits and the same
 * per-token trace as on the scalar chains, over random ids, keys, schemes, context widths and dedup
 * modes (surefire adds {@code jdk.incubator.vector}). Lanes out of order would move a token's word
 * to its neighbour, and with it the sum and the dedup decisions.
 */
class VllmPhiloxPathsTest {
  private static VllmParameters parameters(
      int scheme, int width, VllmDedup generation, boolean dedup) {
    OptionalInt history = OptionalInt.of(8192);
    return switch (scheme) {
      case 0 -> new VllmGumbelParameters(width, generation, history, dedup);
      case 1 -> new VllmDualKeyGumbelParameters(width, generation, history, dedup, 0.1, 0.1);
      case 2 -> new VllmRedGreenParameters(width, generation, history, dedup, 0.25, 2.0);
      case 3 -> new VllmSynthIdParameters(width, generation, history, dedup, 1 + (width * 7) % 32);
      default -> new VllmSbwParameters(width, generation, history, dedup, 0.5, 2.0);
    };
  }

  @Test
  void vectorPathScoresAsTheScalarChains() {
    assertTrue(
        PhiloxBatch.vector(VllmFingerprints.BLOCK).isPresent(),
        "surefire adds --add-modules jdk.incubator.vector for this module");
    qt().withFixedSeed(0x9E11_0015L)
        .withExamples(400)
        .forAll(
            longs().all(),
            integers().between(0, 4),
            integers().between(1, VllmParameters.MAX_VLLM_CONTEXT_WIDTH),
            integers().between(0, 5))
        .checkAssert(this::sameScores);
  }

  private void sameScores(long seed, int scheme, int widthDraw, int dedupMode) {
    SplittableRandom rnd = new SplittableRandom(seed);
    // widths up to 9 most of the time (every lane of the last absorbed block), sometimes wider
    int width = (seed & 3) == 0 ? widthDraw : 1 + widthDraw % 9;
    VllmDedup generation = VllmDedup.values()[dedupMode % 3];
    boolean dedup = dedupMode < 3;
    VllmPrf prf = VllmPrf.of(parameters(scheme, width, generation, dedup), rnd.nextLong());
    int len = 1 + rnd.nextInt(700);
    int[] ids = new int[len];
    // small vocabularies repeat contexts and tuples, so the dedup decisions matter
    int vocab =
        switch (rnd.nextInt(3)) {
          case 0 -> 3;
          case 1 -> 50;
          default -> 200_000;
        };
    for (int i = 0; i < len; i++) {
      ids[i] = rnd.nextInt(vocab);
    }
    int off = rnd.nextInt(len);
    int mid = off + rnd.nextInt(len - off + 1);
    Totals scalar = score(prf, PhiloxBatch.scalar(VllmFingerprints.BLOCK), ids, off, mid, len);
    Totals vector =
        score(prf, PhiloxBatch.vector(VllmFingerprints.BLOCK).orElseThrow(), ids, off, mid, len);
    String at = prf.parameters() + " len " + len + " off " + off + " mid " + mid;
    assertEquals(scalar.positions, vector.positions, at);
    assertEquals(scalar.scored, vector.scored, at);
    assertEquals(scalar.duplicates, vector.duplicates, at);
    assertEquals(scalar.green, vector.green, at);
    assertEquals(
        Double.doubleToRawLongBits(scalar.sum), Double.doubleToRawLongBits(vector.sum), at);
    assertEquals(scalar.trace.size(), vector.trace.size(), at);
    for (int i = 0; i < scalar.trace.size(); i++) {
      assertEquals(scalar.trace.position(i), vector.trace.position(i), at);
      assertEquals(
          Double.doubleToRawLongBits(scalar.trace.value(i)),
          Double.doubleToRawLongBits(vector.trace.value(i)),
          at + " tuple " + i);
    }
  }

  // Two passes sharing one tape, [off, mid) then [off, len), as pooled scoring runs them.
  private static Totals score(
      VllmPrf prf, PhiloxBatch batch, int[] ids, int off, int mid, int len) {
    VllmTupleScorer scorer = new VllmTupleScorer(prf);
    VllmFingerprints f = new VllmFingerprints(prf, batch);
    ExactTape tape = new ExactTape(16);
    ScoreAccumulator acc = new ScoreAccumulator();
    ScoreTrace trace = new ScoreTrace();
    scorer.score(ids, off, mid - off, tape, acc, trace, f);
    scorer.score(ids, off, len - off, tape, acc, trace, f);
    return new Totals(acc.positions, acc.scored, acc.duplicates, acc.green, acc.sum, trace);
  }

  private record Totals(
      long positions, long scored, long duplicates, long green, double sum, ScoreTrace trace) {}
}
