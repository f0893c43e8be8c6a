package dev.telltale.forensics.attribution;

import dev.telltale.detect.Verdict;
import dev.telltale.stats.TailProbability;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Whether a text whose decoded account reached the attribution level carries more than one
 * account's payload. A document stitched from several accounts' outputs makes every position carry
 * a boosted colour, and the position-by-position decode can spell a chimera: an account that served
 * none of the text, yet whose corrected p-value is tiny. Two checks, either of which answers "mixed
 * sources" instead of naming an account:
 *
 * <ul>
 *   <li>a two-source test on the whole text: under "the decoded account is the only source" every
 *       other colour is at most as likely as chance, so {@link PayloadVotes#secondSourceP} is an
 *       exact p-value, compared with {@link #SECOND_SOURCE_ALPHA};
 *   <li>windowed decoding that must agree: the halves and thirds of the text are decoded alone
 *       (after their own zero-bit test), and any of them naming another account at the attribution
 *       level means mixed sources.
 * </ul>
 *
 * Both can only withhold a name, never add one, so the corrected p-value of an account that is
 * named stays exactly what {@link PayloadVotes} says. On a text of one account each check says
 * "mixed" with probability at most its level (the second-source level, and the attribution level
 * per window), which costs a little power and nothing in validity.
 */
final class MixedSources {
  /**
   * Level of the two-source test: a single-source text is called mixed at most this often. Larger
   * than the attribution level on purpose: refusing to name costs power, naming a chimera is a
   * false accusation.
   */
  static final double SECOND_SOURCE_ALPHA = 0.01;

  /** Windows shorter than this many tokens are not decoded alone. */
  static final int MIN_WINDOW_TOKENS = 120;

  private MixedSources() {}

  /**
   * Empty when the text speaks for {@code account} alone; otherwise the accounts decoded with
   * confidence from its windows (possibly none), best first.
   */
  static Optional<List<AccountCandidate>> check(
      Attribution attribution, PayloadVotes votes, long account, int[] ids, int off, int len) {
    double level = Math.log10(attribution.policy().alpha());
    boolean mixed = votes.secondSourceP(account).log10PValue() <= Math.log10(SECOND_SOURCE_ALPHA);
    List<AccountCandidate> found = new ArrayList<>();
    for (int parts = 2; parts <= 3; parts++) {
      for (int k = 0; k < parts; k++) {
        int from = off + (int) ((long) len * k / parts);
        int to = off + (int) ((long) len * (k + 1) / parts);
        if (to - from < MIN_WINDOW_TOKENS
            || attribution.zeroBit(ids, from, to - from).verdict() != Verdict.WATERMARKED) {
          continue;
        }
        PayloadVotes w = attribution.votes(ids, from, to - from);
        long a = w.decode();
        TailProbability p = w.correctedP(a);
        if (p.log10PValue() <= level) {
          if (a != account) {
            mixed = true;
          }
          if (found.stream().noneMatch(c -> c.account() == a)) {
            found.add(new AccountCandidate(a, w.matches(a), w.candidateP(a), p));
          }
        }
      }
    }
    if (!mixed) {
      return Optional.empty();
    }
    found.sort(Comparator.comparingDouble(c -> c.correctedP().log10PValue()));
    return Optional.of(List.copyOf(found));
  }
}
