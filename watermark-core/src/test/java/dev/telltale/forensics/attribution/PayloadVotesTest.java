package dev.telltale.forensics.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.telltale.scheme.PayloadParameters;
import dev.telltale.stats.Tails;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.hipparchus.distribution.discrete.BinomialDistribution;
import org.junit.jupiter.api.Test;

/** Decoding, list decoding and the validity of the corrected p-value on simulated votes. */
class PayloadVotesTest {

  /** Votes with {@code perPosition} votes per position, favoured colour with probability m. */
  static PayloadVotes simulate(
      PayloadParameters pp, long account, int perPosition, double m, SplittableRandom r) {
    int c = pp.colours();
    long[] counts = new long[pp.positions() * c];
    for (int j = 0; j < pp.positions(); j++) {
      int fav = pp.symbol(account, j);
      for (int i = 0; i < perPosition; i++) {
        int colour;
        if (account >= 0 && r.nextDouble() < m) {
          colour = fav;
        } else {
          colour = r.nextInt(c);
        }
        counts[j * c + colour]++;
      }
    }
    return new PayloadVotes(pp, counts, 0);
  }

  @Test
  void decodeAndTopCandidatesAgreeWithBruteForce() {
    qt().withFixedSeed(0x7073_0001L)
        .withExamples(200)
        .forAll(longs().all(), integers().between(0, 2), integers().between(1, 12))
        .checkAssert(PayloadVotesTest::agreesWithBruteForce);
  }

  private static void agreesWithBruteForce(long seed, int layout, int k) {
    int[][] layouts = {{8, 2}, {9, 3}, {6, 1}};
    PayloadParameters pp = new PayloadParameters(layouts[layout][0], layouts[layout][1], 4.0);
    SplittableRandom r = new SplittableRandom(seed);
    long[] counts = new long[pp.positions() * pp.colours()];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = r.nextInt(6);
    }
    PayloadVotes v = new PayloadVotes(pp, counts, 0);
    long[] matches = new long[(int) pp.accounts()];
    long best = -1;
    for (int a = 0; a < matches.length; a++) {
      matches[a] = v.matches(a);
      if (best < 0 || matches[a] > matches[(int) best]) {
        best = a;
      }
    }
    // the decoded account is the first (lowest id) of the accounts with the most matches
    assertEquals(best, v.decode());
    List<AccountCandidate> top = v.topCandidates(k);
    assertEquals(Math.min(k, matches.length), top.size());
    long[] sorted = matches.clone();
    Arrays.sort(sorted);
    long[] expectedTop = new long[top.size()];
    for (int i = 0; i < expectedTop.length; i++) {
      expectedTop[i] = sorted[sorted.length - 1 - i];
    }
    long[] gotTop = top.stream().mapToLong(AccountCandidate::matches).sorted().toArray();
    Arrays.sort(expectedTop);
    assertEquals(Arrays.toString(expectedTop), Arrays.toString(gotTop));
    for (AccountCandidate c : top) {
      assertEquals(matches[(int) c.account()], c.matches());
    }
    for (int i = 1; i < top.size(); i++) {
      assertTrue(
          top.get(i - 1).correctedP().log10PValue() <= top.get(i).correctedP().log10PValue());
    }
  }

  @Test
  void candidatePIsTheLargestPerPositionBinomialTail() {
    qt().withFixedSeed(0x7073_0002L)
        .withExamples(200)
        .forAll(longs().all())
        .checkAssert(PayloadVotesTest::candidatePIsTheWorstPositionTail);
  }

  private static void candidatePIsTheWorstPositionTail(long seed) {
    PayloadParameters pp = new PayloadParameters(12, 3, 4.0);
    SplittableRandom r = new SplittableRandom(seed);
    PayloadVotes v = simulate(pp, r.nextLong(pp.accounts()), 1 + r.nextInt(30), 0.5, r);
    long a = r.nextBoolean() ? v.decode() : r.nextLong(pp.accounts());
    double worst = 0;
    for (int j = 0; j < pp.positions(); j++) {
      int n = (int) v.votesAt(j);
      int kj = (int) v.count(j, pp.symbol(a, j));
      double tail =
          kj == 0 ? 1.0 : 1 - new BinomialDistribution(n, 1.0 / 8).cumulativeProbability(kj - 1);
      worst = Math.max(worst, tail);
    }
    assertEquals(worst, v.candidateP(a).pValue(), 1e-9 + 1e-6 * worst);
    // Every (position, colour) pair counts: text with only the zero-bit layer makes all of them
    // null.
    assertEquals((long) pp.positions() * pp.colours(), v.correctionFactor());
    assertEquals(
        Math.min(1.0, worst * v.correctionFactor()), v.correctedP(a).pValue(), 1e-6 * worst + 1e-9);
  }

  @Test
  void noVoteAtSomePositionMeansNoEvidence() {
    PayloadParameters pp = new PayloadParameters(8, 4, 4.0);
    long[] counts = new long[2 * 16];
    counts[3] = 50; // position 0 only
    PayloadVotes v = new PayloadVotes(pp, counts, 60);
    assertEquals(1.0, v.candidateP(v.decode()).pValue());
    assertEquals(50, v.votes());
  }

  /**
   * The corrected p-value names a wrong account at most alpha of the time, both on text of another
   * account (weak signal: decoding often errs at one position while the matches over all positions
   * are overwhelming) and on text without a payload. The plain statistic (all matches, Bonferroni
   * over 2^bits accounts) fails the first check, which is why it is not used.
   */
  @Test
  void correctedPNamesAWrongAccountAtMostAlphaOfTheTime() {
    PayloadParameters pp = new PayloadParameters(12, 2, 4.0);
    double[] alphas = {0.01, 0.05, 0.2};
    int trials = 3000;
    SplittableRandom r = new SplittableRandom(2024);
    int[] wrong = new int[alphas.length];
    int[] wrongNaive = new int[alphas.length];
    int[] nullNamed = new int[alphas.length];
    for (int t = 0; t < trials; t++) {
      long truth = r.nextLong(pp.accounts());
      int perPosition = 3 + r.nextInt(10);
      PayloadVotes v = simulate(pp, truth, perPosition, 0.55, r);
      long decoded = v.decode();
      PayloadVotes none = simulate(pp, -1, perPosition, 0, r);
      long decodedNone = none.decode();
      double naive =
          Tails.binomialUpper(v.votes(), v.matches(decoded), 0.25).times(pp.accounts()).pValue();
      for (int i = 0; i < alphas.length; i++) {
        if (decoded != truth && v.correctedP(decoded).pValue() <= alphas[i]) {
          wrong[i]++;
        }
        if (decoded != truth && naive <= alphas[i]) {
          wrongNaive[i]++;
        }
        if (none.correctedP(decodedNone).pValue() <= alphas[i]) {
          nullNamed[i]++;
        }
      }
    }
    for (int i = 0; i < alphas.length; i++) {
      double limit = alphas[i] * trials + 3 * Math.sqrt(alphas[i] * trials);
      String msg =
          "alpha "
              + alphas[i]
              + ": wrong "
              + wrong[i]
              + ", naive "
              + wrongNaive[i]
              + ", null "
              + nullNamed[i]
              + " of "
              + trials;
      System.out.println("simulated attribution: " + msg);
      assertTrue(wrong[i] <= limit, msg);
      assertTrue(nullNamed[i] <= limit, msg);
      assertTrue(wrongNaive[i] > limit, msg);
    }
  }
}
