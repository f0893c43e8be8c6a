package dev.telltale.detect;

import dev.telltale.key.KeyId;
import dev.telltale.stats.TailProbability;
import dev.telltale.text.NormalForm;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Result of testing one input against one key.
 *
 * @param keyId the key tested
 * @param scheme {@code kgw}, {@code gumbel} or a vLLM scheme ({@code vllm-gumbel}, ...)
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
 * @param vllmPValue for vLLM keys, the p-value vLLM's own detector reports for the same ids (for
 *     SBW it is not valid on natural text; the verdict always uses {@code global})
 * @param normalForm for a text, the normal form whose tokens gave the smallest p-value (empty for
 *     token ids)
 * @param formsTried distinct token sequences the normal forms gave (1 for token ids): the
 *     Bonferroni factor {@link #decisive()} carries
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
    Verdict verdict,
    OptionalDouble vllmPValue,
    Optional<NormalForm> normalForm,
    int formsTried) {

  public Detection {
    if (formsTried < 1) {
      throw new IllegalArgumentException("formsTried must be at least 1, got " + formsTried);
    }
  }

  /** A detection of token ids, with or without a vLLM figure. */
  public Detection(
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
      Verdict verdict,
      OptionalDouble vllmPValue) {
    this(
        keyId,
        scheme,
        tokens,
        scoredTokens,
        duplicateTuples,
        score,
        expectedScore,
        zScore,
        global,
        window,
        verdict,
        vllmPValue,
        Optional.empty(),
        1);
  }

  /** A detection without a vLLM figure. */
  public Detection(
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
    this(
        keyId,
        scheme,
        tokens,
        scoredTokens,
        duplicateTuples,
        score,
        expectedScore,
        zScore,
        global,
        window,
        verdict,
        OptionalDouble.empty());
  }

  /** The same detection carrying vLLM's own p-value for the ids. */
  public Detection withVllmPValue(double p) {
    return new Detection(
        keyId,
        scheme,
        tokens,
        scoredTokens,
        duplicateTuples,
        score,
        expectedScore,
        zScore,
        global,
        window,
        verdict,
        OptionalDouble.of(p),
        normalForm,
        formsTried);
  }

  /**
   * The same detection as the winner among {@code formsTried} normal forms of a text: the decisive
   * p-value is multiplied by {@code formsTried} (capped at one) and the verdict retaken at {@code
   * alpha}.
   */
  public Detection withNormalForm(NormalForm form, int formsTried, double alpha) {
    Detection d =
        new Detection(
            keyId,
            scheme,
            tokens,
            scoredTokens,
            duplicateTuples,
            score,
            expectedScore,
            zScore,
            global,
            window,
            verdict,
            vllmPValue,
            Optional.of(form),
            formsTried);
    Verdict v =
        d.decisive().log10PValue() <= Math.log10(alpha)
            ? Verdict.WATERMARKED
            : Verdict.NOT_WATERMARKED;
    return new Detection(
        keyId,
        scheme,
        tokens,
        scoredTokens,
        duplicateTuples,
        score,
        expectedScore,
        zScore,
        global,
        window,
        v,
        vllmPValue,
        Optional.of(form),
        formsTried);
  }

  public double pValue() {
    return global.pValue();
  }

  public double log10PValue() {
    return global.log10PValue();
  }

  /** Green tokens, for green-list keys. */
  public OptionalLong greenTokens() {
    boolean counts =
        "kgw".equals(scheme) || "vllm-sbw".equals(scheme) || "vllm-red-green".equals(scheme);
    return counts ? OptionalLong.of((long) score) : OptionalLong.empty();
  }

  /**
   * The p-value the verdict was taken on: the whole text's, or the best window's corrected for the
   * windows compared, times {@link #formsTried} (Bonferroni over the normal forms).
   */
  public TailProbability decisive() {
    TailProbability p = window.map(WindowResult::corrected).orElse(global);
    return formsTried == 1 ? p : p.times(formsTried);
  }
}
