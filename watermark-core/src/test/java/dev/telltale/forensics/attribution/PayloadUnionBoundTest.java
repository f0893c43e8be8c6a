package dev.telltale.forensics.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.scheme.PayloadParameters;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The decoded account's correction counts every (position, colour) pair: on text that carries only
 * the zero-bit layer (the gate passes, every colour is null) any colour of any position can be the
 * wrong winner. With one position of two colours the decode picks the larger of two null counts,
 * whose tail is twice a single colour's, so a factor {@code L * (C - 1) = 1} would name an account
 * about twice as often as alpha.
 */
class PayloadUnionBoundTest {

  @Test
  void correctionCountsEveryPositionAndColour() {
    PayloadParameters oneBit = new PayloadParameters(8, 1, 4.0);
    long[] counts = new long[oneBit.positions() * oneBit.colours()];
    PayloadVotes v = new PayloadVotes(oneBit, counts, 0);
    assertEquals(16, v.correctionFactor());
    assertEquals(
        3L * 256,
        new PayloadVotes(PayloadParameters.defaults(), new long[768], 0).correctionFactor());
  }

  /** One position, two null colours: the rate of naming an account stays at most alpha. */
  @Test
  void nullVotesNameAnAccountAtMostAlphaOfTheTimeWithOneBitSymbols() {
    PayloadParameters pp = new PayloadParameters(1, 1, 4.0);
    SplittableRandom r = new SplittableRandom(5150);
    int trials = 40_000;
    double alpha = 0.05;
    int named = 0;
    for (int t = 0; t < trials; t++) {
      int n = 400;
      long zeros = 0;
      for (int i = 0; i < n; i++) {
        zeros += r.nextInt(2) == 0 ? 1 : 0;
      }
      PayloadVotes v = new PayloadVotes(pp, new long[] {zeros, n - zeros}, n);
      if (v.correctedP(v.decode()).pValue() <= alpha) {
        named++;
      }
    }
    double rate = (double) named / trials;
    System.out.printf(
        "one-bit null: named %d/%d = %.4f at alpha %.2f%n", named, trials, rate, alpha);
    // binomial sd at 0.05 over 40k trials is 0.0011: 0.058 is over 7 sd above alpha
    assertTrue(rate <= alpha + 0.008, "named rate " + rate);
  }
}
