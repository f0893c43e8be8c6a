package dev.telltale.evidence.report;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.evidence.EvidenceKind;
import org.junit.jupiter.api.Test;

/**
 * A report never presents an exploratory radioactivity run as a verdict, warns for each disabled
 * safeguard, and warns when attribution found documents of mixed sources.
 */
class ValidityWarningsReportTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static ObjectNode radioactivity(boolean dedup, String promptFilter, String verdict)
      throws Exception {
    ObjectNode r = (ObjectNode) JSON.readTree(ReportTest.radioactivityResult().toString());
    r.put("dedup", dedup);
    r.put("prompt_filter", promptFilter);
    r.put("p_value", 1e-40);
    r.put("log10_p_value", -40.0);
    r.put("family_wise_log10_p_value", -40.0);
    r.put("verdict", verdict);
    r.put("valid_test", dedup && !"none".equals(promptFilter));
    return r;
  }

  static String render(ObjectNode r) {
    return Report.render(ReportInput.ofResult(EvidenceKind.RADIOACTIVITY, r, "r.json"));
  }

  @Test
  void exploratoryRunsWarnForEachSafeguardAndGiveNoVerdict() throws Exception {
    String noFilter = render(radioactivity(true, "none", "not_a_valid_test"));
    assertTrue(noFilter.contains("Not a valid test: exploratory settings, no verdict"), noFilter);
    assertTrue(noFilter.contains("the prompt filter is OFF"), noFilter);
    assertFalse(noFilter.contains("deduplication is OFF"));
    assertFalse(noFilter.contains("Radioactive: the model"));

    String noDedup = render(radioactivity(false, "own", "not_a_valid_test"));
    assertTrue(noDedup.contains("deduplication is OFF"), noDedup);
    assertFalse(noDedup.contains("the prompt filter is OFF"));

    // an older result that still says "radioactive" with a safeguard off is not shown as one
    String legacy = render(radioactivity(false, "none", "radioactive"));
    assertTrue(legacy.contains("deduplication is OFF") && legacy.contains("prompt filter is OFF"));
    assertFalse(legacy.contains("Radioactive: the model"), legacy);

    String valid = render(radioactivity(true, "own", "radioactive"));
    assertTrue(valid.contains("Radioactive: the model"));
    assertFalse(valid.contains("id=\"exploratory\""));
  }

  @Test
  void mixedSourceDocumentsAreWarnedAbout() throws Exception {
    ObjectNode a =
        (ObjectNode)
            JSON.readTree(
                """
                {"tokenizer":"cl100k_base","alpha":0.001,"detect_alpha":1e-6,
                 "correction":"c","accounts":[],
                 "documents":[{"document":"stitched.txt","key_id":"k","tokens":2000,
                   "scored_tokens":1900,"zero_bit_p_value":1e-80,"log10_zero_bit_p_value":-80,
                   "outcome":"mixed_sources","votes":400,"account":null,
                   "holm_adjusted_p_value":1,"candidates":[]}]}
                """);
    String html = Report.render(ReportInput.ofResult(EvidenceKind.ATTRIBUTION, a, "a.json"));
    assertTrue(html.contains("id=\"mixed-sources\""), html);
    assertTrue(html.contains("1 document carries more than one account"), html);
  }
}
