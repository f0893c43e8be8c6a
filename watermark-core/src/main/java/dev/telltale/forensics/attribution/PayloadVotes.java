package dev.telltale.forensics.attribution;

import dev.telltale.scheme.PayloadParameters;
import dev.telltale.stats.TailProbability;
import dev.telltale.stats.Tails;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Payload colour votes of one input: for each symbol position, how many deduplicated green tuples
 * carried each colour. Decodes the account and gives its p-values.
 *
 * <p>The p-value of a candidate account {@code a} is an intersection–union test of "a is the
 * source": at each position j the count of a's colour among the {@code n_j} votes is tested against
 * Binomial(n_j, 2^-b), the most a wrong colour can reach (a wrong colour is at most as likely as
 * chance, whoever the true account is and whether there is one), and the candidate's p is the
 * largest of these: every position must speak for it. A wrong account can only be reported through
 * some position whose winning colour is wrong, so the decoded account's p is corrected by
 * Bonferroni over the {@code L * 2^b} (position, colour) pairs: text that carries only the zero-bit
 * layer (our own prompts, say) passes the gate with every colour of every position null, so all
 * {@code L * 2^b} pairs can be the wrong winner, not {@code L * (2^b - 1)}. The bound covers all
 * wrong accounts at once and holds for text of another account, where the plain "matches out of all
 * votes" statistic with a {@code 2^bits} Bonferroni factor does not (a decode that is wrong in one
 * position keeps almost all of the true account's matches).
 */
public final class PayloadVotes {
  private final PayloadParameters parameters;
  private final long[] counts;
  private final long scored;

  PayloadVotes(PayloadParameters parameters, long[] counts, long scored) {
    this.parameters = parameters;
    this.counts = counts;
    this.scored = scored;
  }

  public PayloadParameters parameters() {
    return parameters;
  }

  /** Deduplicated tuples scored (green or not). */
  public long scoredTuples() {
    return scored;
  }

  /** Votes cast: deduplicated green tuples. */
  public long votes() {
    long n = 0;
    for (long c : counts) {
      n += c;
    }
    return n;
  }

  /** Votes at {@code position}. */
  public long votesAt(int position) {
    int c = parameters.colours();
    long n = 0;
    for (int k = 0; k < c; k++) {
      n += counts[position * c + k];
    }
    return n;
  }

  /** Votes for {@code colour} at {@code position}. */
  public long count(int position, int colour) {
    return counts[position * parameters.colours() + colour];
  }

  /** The account spelled by the most voted colour at each position (ties: the lowest colour). */
  public long decode() {
    long account = 0;
    for (int j = 0; j < parameters.positions(); j++) {
      account |= (long) bestColour(j) << (j * parameters.symbolBits());
    }
    return account;
  }

  /** Matching votes of {@code account}: votes for its colour, summed over positions. */
  public long matches(long account) {
    checkAccount(account);
    long m = 0;
    for (int j = 0; j < parameters.positions(); j++) {
      m += count(j, parameters.symbol(account, j));
    }
    return m;
  }

  /**
   * Exact p-value of {@code account} named before looking at the votes: the largest over positions
   * of {@code P[Binomial(n_j, 2^-b) >= k_j]}. One when a position has no vote.
   */
  public TailProbability candidateP(long account) {
    checkAccount(account);
    double q = 1.0 / parameters.colours();
    TailProbability worst = null;
    for (int j = 0; j < parameters.positions(); j++) {
      long n = votesAt(j);
      if (n == 0) {
        return TailProbability.ONE;
      }
      TailProbability p = Tails.binomialUpper(n, count(j, parameters.symbol(account, j)), q);
      if (worst == null || p.log10PValue() > worst.log10PValue()) {
        worst = p;
      }
    }
    return worst;
  }

  /**
   * Bonferroni factor of an account chosen from the votes: {@code L * 2^b}, every (position,
   * colour) pair (with no true account every colour is wrong).
   */
  public long correctionFactor() {
    return (long) parameters.positions() * parameters.colours();
  }

  /** {@link #candidateP} corrected for choosing the account from the votes. */
  public TailProbability correctedP(long account) {
    return candidateP(account).times(correctionFactor());
  }

  /**
   * Exact p-value, under "{@code account} is the only source of payload in this text", that some
   * other colour is boosted somewhere: the smallest over every (position j, colour c other than the
   * account's) of {@code P[Binomial(n_j, 2^-b) >= k_jc]}, times the {@code L * (2^b - 1)} pairs
   * (Bonferroni). Under that hypothesis every other colour is at most as likely as chance, so a
   * small value means a second source: a document stitched from several accounts' outputs, whose
   * decoded account may be a chimera that served none of it.
   */
  public TailProbability secondSourceP(long account) {
    checkAccount(account);
    double q = 1.0 / parameters.colours();
    TailProbability best = TailProbability.ONE;
    for (int j = 0; j < parameters.positions(); j++) {
      long n = votesAt(j);
      int own = parameters.symbol(account, j);
      for (int c = 0; c < parameters.colours(); c++) {
        long k = count(j, c);
        if (c == own || k == 0) {
          continue;
        }
        TailProbability p = Tails.binomialUpper(n, k, q);
        if (p.log10PValue() < best.log10PValue()) {
          best = p;
        }
      }
    }
    return best.times((long) parameters.positions() * (parameters.colours() - 1));
  }

  /**
   * The {@code k} accounts with the most matching votes (exactly: per-position choices add up, so a
   * beam of k partial sums keeps every prefix of the k best), ordered by corrected p-value, then
   * matches, then account id.
   */
  public List<AccountCandidate> topCandidates(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, got " + k);
    }
    int colours = parameters.colours();
    List<long[]> beam = List.of(new long[] {0, 0}); // {account, matches}
    for (int j = 0; j < parameters.positions(); j++) {
      List<long[]> next = new ArrayList<>(beam.size() * colours);
      for (long[] partial : beam) {
        for (int c = 0; c < colours; c++) {
          next.add(
              new long[] {
                partial[0] | ((long) c << (j * parameters.symbolBits())), partial[1] + count(j, c)
              });
        }
      }
      next.sort(Comparator.<long[]>comparingLong(e -> -e[1]).thenComparingLong(e -> e[0]));
      beam = next.subList(0, Math.min(k, next.size()));
    }
    List<AccountCandidate> out = new ArrayList<>(beam.size());
    for (long[] e : beam) {
      out.add(new AccountCandidate(e[0], e[1], candidateP(e[0]), correctedP(e[0])));
    }
    out.sort(
        Comparator.comparingDouble((AccountCandidate c) -> c.correctedP().log10PValue())
            .thenComparingLong(c -> -c.matches())
            .thenComparingLong(AccountCandidate::account));
    return List.copyOf(out);
  }

  private int bestColour(int position) {
    int colours = parameters.colours();
    int best = 0;
    for (int c = 1; c < colours; c++) {
      if (count(position, c) > count(position, best)) {
        best = c;
      }
    }
    return best;
  }

  private void checkAccount(long account) {
    if (!parameters.holds(account)) {
      throw new IllegalArgumentException(
          "account id " + account + " does not fit in " + parameters.bits() + " payload bits");
    }
  }

  @Override
  public String toString() {
    return "PayloadVotes[" + parameters + ", votes=" + Arrays.toString(counts) + "]";
  }
}
