package dev.telltale.detect;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.stats.TailProbability;
import dev.telltale.text.Tokenizer;
import java.util.Optional;

/**
 * The one JSON form of a detection, shared by {@code telltale detect --json}, the verifier service
 * and evidence statements, so that every surface reports the same fields under the same names.
 */
public final class DetectionJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private DetectionJson() {}

  /**
   * The object for a key-set detection, naming {@code tokenizer} and, for a {@code tokenizer.json},
   * its SHA-256 ({@code tokenizer_sha256}).
   */
  public static ObjectNode of(KeySetDetection r, Tokenizer tokenizer) {
    ObjectNode o = of(r, tokenizer.name());
    tokenizer.fileSha256().ifPresent(sha -> o.put("tokenizer_sha256", sha));
    return o;
  }

  /** The object for a key-set detection; {@code tokenizer} is the tokenizer's name. */
  public static ObjectNode of(KeySetDetection r, String tokenizer) {
    Detection d = r.best();
    ObjectNode o = MAPPER.createObjectNode();
    o.put("key_id", d.keyId().value());
    o.put("scheme", d.scheme());
    o.put("tokenizer", tokenizer);
    o.put("tokens", d.tokens());
    o.put("scored_tokens", d.scoredTokens());
    o.put("duplicate_tuples", d.duplicateTuples());
    if (d.greenTokens().isPresent()) {
      o.put("green_tokens", d.greenTokens().getAsLong());
      o.put("green_share", d.scoredTokens() == 0 ? 0.0 : d.score() / d.scoredTokens());
      o.put("expected_green_tokens", d.expectedScore());
    } else {
      o.put("score", d.score());
      o.put("expected_score", d.expectedScore());
    }
    o.put("z_score", d.zScore());
    o.put("p_value", d.pValue());
    o.put("log10_p_value", d.log10PValue());
    // vLLM keys: vLLM's own figure beside Telltale's exact p-value, which the verdict uses
    d.vllmPValue().ifPresent(v -> o.put("vllm_p_value", v));
    // Text: the normal form whose tokens won and the Bonferroni factor the p-values below carry.
    d.normalForm().ifPresent(f -> o.put("normal_form", f.label()));
    if (d.normalForm().isPresent()) {
      o.put("forms_tried", d.formsTried());
    }
    o.put("keys_tested", r.keysTested());
    o.put("family_wise_p_value", r.familyWise().pValue());
    o.put("log10_family_wise_p_value", r.familyWise().log10PValue());
    o.put("alpha", r.alpha());
    o.put("verdict", r.verdict().label());
    d.window().ifPresent(w -> o.set("window", window(w)));
    return o;
  }

  /**
   * Adds {@code spread_check} to a detection object: the spoofing check ({@link SpreadCheck}) of
   * the reported key against {@code reference}, over {@code ids[off ..)}, the tokens the reported
   * detection tested. The rare-context p-value carries the normal forms' Bonferroni factor, so it
   * is a valid test on its own; {@code flagged} is true when the verdict is "watermarked" but the
   * rare contexts alone do not reach {@code rare_level}: the green hits sit where a thief who
   * learnt frequent contexts from our outputs could have put them. The one builder of the field,
   * for the CLI, the service and evidence alike.
   */
  public static ObjectNode addSpreadCheck(
      ObjectNode o,
      KeySetDetection r,
      Detector bestKey,
      int[] ids,
      int off,
      SpreadReference reference,
      double rareLevel) {
    return addSpreadCheck(o, r, bestKey, ids, off, reference, rareLevel, Optional.empty());
  }

  /**
   * {@link #addSpreadCheck(ObjectNode, KeySetDetection, Detector, int[], int, SpreadReference,
   * double)}, splitting {@code bestTrace} when the detection kept the reported key's trace ({@link
   * KeySetDetector#detectFormsTraced}) instead of scoring {@code ids} again.
   */
  public static ObjectNode addSpreadCheck(
      ObjectNode o,
      KeySetDetection r,
      Detector bestKey,
      int[] ids,
      int off,
      SpreadReference reference,
      double rareLevel,
      Optional<ScoreTrace> bestTrace) {
    if (!bestKey.scorer().keyId().equals(r.best().keyId())) {
      throw new IllegalArgumentException("the detector is not the reported key's");
    }
    SpreadCheck check = reference.check(bestKey, rareLevel);
    boolean detected = r.verdict() == Verdict.WATERMARKED;
    SpreadCheck.Result c =
        bestTrace.isPresent()
            ? check.check(bestTrace.get(), ids, off, detected)
            : check.check(ids, off, ids.length - off, detected);
    int k = r.best().formsTried();
    TailProbability rare = k == 1 ? c.rare() : c.rare().times(k);
    boolean flagged =
        r.verdict() == Verdict.WATERMARKED && rare.log10PValue() > Math.log10(rareLevel);
    ObjectNode s = MAPPER.createObjectNode();
    s.put("reference", reference.name());
    s.put("rare_level", rareLevel);
    s.put("frequent_scored", c.frequentScored());
    s.put("frequent_score", c.frequentScore());
    s.put("frequent_p_value", c.frequent().pValue());
    s.put("log10_frequent_p_value", c.frequent().log10PValue());
    s.put("rare_scored", c.rareScored());
    s.put("rare_score", c.rareScore());
    s.put("rare_p_value", rare.pValue());
    s.put("log10_rare_p_value", rare.log10PValue());
    s.put("flagged", flagged);
    o.set("spread_check", s);
    return o;
  }

  /** The object for a best-window result. */
  public static ObjectNode window(WindowResult w) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("start_token", w.startToken());
    o.put("end_token", w.endToken());
    o.put("scored_tokens", w.scoredTokens());
    o.put("score", w.score());
    o.put("p_value", w.raw().pValue());
    o.put("log10_p_value", w.raw().log10PValue());
    o.put("corrected_p_value", w.corrected().pValue());
    o.put("log10_corrected_p_value", w.corrected().log10PValue());
    o.put("windows_tested", w.windowsTested());
    return o;
  }

  /**
   * A p-value for people: three significant digits, or a power of ten when it is below the double
   * floor, where {@code log10} is still exact.
   */
  public static String formatP(double p, double log10) {
    if (log10 < -300) {
      return String.format("10^%.1f", log10);
    }
    return String.format("%.3g", p);
  }
}
