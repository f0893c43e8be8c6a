package dev.telltale.forensics.scan;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.forensics.corpus.MalformedLine;
import dev.telltale.forensics.radioactivity.RadioactivityResult;
import java.util.List;

/**
 * The one JSON form of a scan summary and of a radioactivity result, shared by the CLI, the demo
 * and the verifier service.
 */
public final class ScanJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ScanJson() {}

  public static ObjectNode of(ScanResult r) {
    ObjectNode o = MAPPER.createObjectNode();
    ScanResult.PooledKey b = r.best();
    o.put("documents", r.documents());
    o.put("tokens", r.tokens());
    o.put("bytes", r.bytes());
    o.put("key_id", b.keyId().value());
    o.put("scheme", b.scheme());
    o.put("scored_tuples", b.scoredTuples());
    o.put("positions", b.positions());
    if ("kgw".equals(b.scheme())) {
      o.put("green_tuples", (long) b.score());
      o.put("green_share", b.scoredTuples() == 0 ? 0.0 : b.score() / b.scoredTuples());
      o.put("expected_green_tuples", b.expectedScore());
    } else {
      o.put("score", b.score());
      o.put("expected_score", b.expectedScore());
    }
    o.put("pooled_p_value", r.pooled().pValue());
    o.put("log10_pooled_p_value", r.pooled().log10PValue());
    o.put("keys_tested", r.keysTested());
    ArrayNode keys = o.putArray("keys");
    for (ScanResult.PooledKey k : r.keys()) {
      ObjectNode kn = keys.addObject();
      kn.put("key_id", k.keyId().value());
      kn.put("scheme", k.scheme());
      kn.put("scored_tuples", k.scoredTuples());
      kn.put("score", k.score());
      kn.put("expected_score", k.expectedScore());
      kn.put("p_value", k.p().pValue());
      kn.put("log10_p_value", k.p().log10PValue());
    }
    ObjectNode s = o.putObject("suspect_documents");
    s.put("fdr", r.fdr());
    s.put("count", r.suspectCount());
    s.put("listed", r.suspectIds().size());
    ArrayNode ids = s.putArray("ids");
    r.suspectIds().forEach(ids::add);
    ObjectNode h = o.putObject("document_p_values");
    h.put(
        "bins",
        "decade i counts documents with 10^-(i+1) < p <= 10^-i; the last counts p <= 10^-10");
    ArrayNode counts = h.putArray("decades");
    r.pValueDecades().forEach(counts::add);
    ArrayNode top = o.putArray("top_documents");
    for (ScanResult.DocumentP d : r.topDocuments()) {
      ObjectNode dn = top.addObject();
      dn.put("id", d.id());
      dn.put("tokens", d.tokens());
      dn.put("scored", d.scored());
      dn.put("p_value", d.p().pValue());
      dn.put("log10_p_value", d.p().log10PValue());
      dn.put("key_id", d.keyId().value());
    }
    ObjectNode m = o.putObject("malformed_lines");
    m.put("count", r.malformedCount());
    ArrayNode first = m.putArray("first");
    for (MalformedLine l : r.malformed()) {
      ObjectNode ln = first.addObject();
      ln.put("source", l.source());
      ln.put("line", l.line());
      ln.put("reason", l.reason());
    }
    return o;
  }

  public static ObjectNode of(RadioactivityResult r) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("key_id", r.keyId().value());
    o.put("scheme", r.scheme());
    o.put("mode", r.mode());
    o.put("exchanges", r.records());
    o.put("positions", r.positions());
    o.put("skipped_prompt_windows", r.skippedPromptWindows());
    o.put("skipped_unfiltered_windows", r.skippedByFilter());
    if ("reading".equals(r.mode())) {
      o.put("skipped_repeated_windows", r.skippedRepeatedWindows());
    }
    o.put("duplicate_tuples", r.duplicates());
    o.put("scored_tuples", r.scoredTuples());
    if ("kgw".equals(r.scheme())) {
      o.put("green_tuples", (long) r.score());
      o.put("green_share", r.share());
      o.put("gamma", r.expectedShare());
    } else {
      o.put("score", r.score());
      o.put("mean_score", r.share());
      o.put("expected_mean_score", r.expectedShare());
    }
    o.put("p_value", r.p().pValue());
    o.put("log10_p_value", r.p().log10PValue());
    o.put("valid_test", r.validTest());
    return o;
  }

  /** The verdict label of a valid run, or {@link #NOT_A_VALID_TEST} for an exploratory one. */
  public static final String NOT_A_VALID_TEST = "not_a_valid_test";

  /**
   * What an exploratory run says instead of a verdict (CLI, service, report): its p-value is not a
   * valid p-value.
   */
  public static final String EXPLORATORY_NOTE =
      "exploratory settings (no deduplication or no prompt filter): not a valid test, no verdict;"
          + " the p-value is shown only to demonstrate why the safeguards are needed";

  /**
   * The object {@code telltale radioactivity --json} prints: the most significant key's result, the
   * family-wise level over all keys tested (Bonferroni), the verdict at {@code alpha} and every
   * key's result.
   *
   * @param results one result per key tested, in key-set order; not empty
   * @param promptFilter the prompt filter's name as the CLI spells it (own, all, none)
   */
  public static ObjectNode radioactivity(
      List<RadioactivityResult> results,
      double alpha,
      boolean dedup,
      String promptFilter,
      long malformedLines) {
    RadioactivityResult best = strongest(results);
    double familyLog10 = familyWiseLog10(results);
    ObjectNode j = of(best);
    j.put("keys_tested", results.size());
    j.put("family_wise_log10_p_value", familyLog10);
    j.put("dedup", dedup);
    j.put("prompt_filter", promptFilter);
    j.put("malformed_lines", malformedLines);
    j.put("alpha", alpha);
    j.put("valid_test", validTest(results));
    j.put("verdict", verdict(results, alpha));
    if (!validTest(results)) {
      j.put("note", EXPLORATORY_NOTE);
    }
    ArrayNode all = j.putArray("keys");
    results.forEach(r -> all.add(of(r)));
    return j;
  }

  /** The result with the smallest p-value (the first of equals). */
  public static RadioactivityResult strongest(List<RadioactivityResult> results) {
    RadioactivityResult best = results.get(0);
    for (RadioactivityResult r : results) {
      if (r.p().log10PValue() < best.p().log10PValue()) {
        best = r;
      }
    }
    return best;
  }

  /** log10 of the strongest p-value times the number of keys tested, capped at 0. */
  public static double familyWiseLog10(List<RadioactivityResult> results) {
    return Math.min(0, strongest(results).p().log10PValue() + Math.log10(results.size()));
  }

  /**
   * Whether the run is a valid test and its family-wise p-value is at most {@code alpha}; an
   * exploratory run is never radioactive.
   */
  public static boolean isRadioactive(List<RadioactivityResult> results, double alpha) {
    return validTest(results) && familyWiseLog10(results) <= Math.log10(alpha);
  }

  /** Whether every result is a valid test (not an exploratory run). */
  public static boolean validTest(List<RadioactivityResult> results) {
    return results.stream().allMatch(RadioactivityResult::validTest);
  }

  /** {@code radioactive}, {@code not_radioactive}, or {@code not_a_valid_test}. */
  public static String verdict(List<RadioactivityResult> results, double alpha) {
    if (!validTest(results)) {
      return NOT_A_VALID_TEST;
    }
    return isRadioactive(results, alpha) ? "radioactive" : "not_radioactive";
  }
}
