package dev.telltale.detect;

import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.stats.TailProbability;
import dev.telltale.stats.Tails;
import dev.telltale.text.DetectionNormalizer;
import dev.telltale.text.Tokenizer;
import java.util.Objects;
import java.util.Optional;

/**
 * Tests token ids or text for one key's watermark with an exact p-value: {@code P[Binomial(n,
 * gamma) >= G]} for green-list keys, {@code P[Gamma(n, 1) >= S]} for Gumbel keys, where n counts
 * (window, token) tuples after deduplication. Immutable and thread-safe.
 */
public final class Detector {
  private final TupleScorer scorer;
  private final Tokenizer tokenizer;
  private final DetectionPolicy policy;
  private final boolean greenList;
  private final double gamma;

  private Detector(WatermarkKey key, Tokenizer tokenizer, DetectionPolicy policy) {
    this.scorer = TupleScorer.of(key);
    this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.greenList = key.parameters() instanceof GreenListParameters;
    this.gamma = greenList ? ((GreenListParameters) key.parameters()).effectiveGamma() : 0;
  }

  public static Detector of(WatermarkKey key, Tokenizer tokenizer, DetectionPolicy policy) {
    return new Detector(key, tokenizer, policy);
  }

  public TupleScorer scorer() {
    return scorer;
  }

  public Tokenizer tokenizer() {
    return tokenizer;
  }

  public DetectionPolicy policy() {
    return policy;
  }

  /**
   * Normalizes {@code text} ({@link DetectionNormalizer}: carrier and other invisible characters
   * removed, look-alike letters and white space folded, NFC, trimmed), re-tokenizes it with the
   * generator's tokenizer and tests the ids.
   */
  public Detection detectText(String text) {
    int[] ids = tokenizer.encode(DetectionNormalizer.normalize(text));
    return detectTokens(ids, 0, ids.length);
  }

  /** Tests {@code ids[off .. off+len)}. */
  public Detection detectTokens(int[] ids, int off, int len) {
    ScoreAccumulator acc = new ScoreAccumulator();
    ScoreTrace trace = policy.window() ? new ScoreTrace() : null;
    scorer.score(ids, off, len, new ExactTape(Math.max(16, len)), acc, trace);
    return fromTotals(len, acc, trace);
  }

  /** Builds the detection of already accumulated totals (e.g. pooled over a corpus). */
  public Detection fromTotals(int tokens, ScoreAccumulator acc, ScoreTrace trace) {
    long n = acc.scored();
    double score = greenList ? acc.green() : acc.sum();
    TailProbability p = tail(n, score);
    double expected = greenList ? n * gamma : n;
    double z = greenList ? Tails.binomialZ(n, acc.green(), gamma) : Tails.gammaZ(n, acc.sum());
    Optional<WindowResult> window =
        trace == null ? Optional.empty() : Optional.of(BestWindow.search(trace, p, policy, this));
    TailProbability decisive = window.map(WindowResult::corrected).orElse(p);
    Verdict verdict =
        decisive.log10PValue() <= Math.log10(policy.alpha())
            ? Verdict.WATERMARKED
            : Verdict.NOT_WATERMARKED;
    return new Detection(
        scorer.keyId(),
        scorer.parameters().schemeName(),
        tokens,
        n,
        acc.duplicates(),
        score,
        expected,
        z,
        p,
        window,
        verdict);
  }

  /** Exact upper tail of {@code score} over {@code n} scored tuples under this key's null. */
  public TailProbability tail(long n, double score) {
    if (n == 0) {
      return TailProbability.ONE;
    }
    return greenList
        ? Tails.binomialUpper(n, Math.round(score), gamma)
        : Tails.gammaUpper(n, score);
  }
}
