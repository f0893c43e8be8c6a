package dev.telltale.detect;

import dev.telltale.key.KeyId;
import dev.telltale.stats.TailProbability;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Result of testing one input against one key.
 *
 * @param keyId the key tested
 * @param scheme {@code kgw} or {@code gumbel}
 * @param tokens tokens in the input
 * @param scoredTokens (window, token) tuples scored after skipping the first h tokens and
 *     deduplication
 * @param duplicateTuples positions skipped because their tuple repeated
 * @param score green count (kgw) or sum of {@code -ln(1 - r)} (gumbel)
 * @param expectedScore the score's mean under the null
 * @param zScore standardised score (for orientation; the p-value is exact)
 * @param global exact p-value of the whole input
 * @param window best window, when the policy asked for one
 * @param verdict decision at the policy's alpha (on the window's corrected p when windowed)
 */
public record Detection(
    KeyId keyId,
    String scheme,
    int tokens,
    long scoredTokens,
    long duplicateTuples,
    double score,
    double expectedScore,
    double zScore,
    TailProbability global,
    Optional<WindowResult> window,
    Verdict verdict) {

  public double pValue() {
    return global.pValue();
  }

  public double log10PValue() {
    return global.log10PValue();
  }

  /** Green tokens, for green-list keys. */
  public OptionalLong greenTokens() {
    return "kgw".equals(scheme) ? OptionalLong.of((long) score) : OptionalLong.empty();
  }

  /** The p-value the verdict was taken on. */
  public TailProbability decisive() {
    return window.map(WindowResult::corrected).orElse(global);
  }
}
