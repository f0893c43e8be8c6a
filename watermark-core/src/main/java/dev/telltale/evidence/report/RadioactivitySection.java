package dev.telltale.evidence.report;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The radioactivity part of a report: was the suspect model trained on our watermarked outputs?
 * Verdict, p-value in plain words, the green share (or mean score) against chance with its band,
 * what was skipped and why, and every key's result.
 */
final class RadioactivitySection {
  private RadioactivitySection() {}

  static void render(Html h, JsonNode r) {
    boolean kgw = "kgw".equals(r.path("scheme").asText());
    long keys = Math.max(1, r.path("keys_tested").asLong(1));
    double log10 =
        keys > 1
            ? r.path("family_wise_log10_p_value").asDouble(0)
            : r.path("log10_p_value").asDouble(0);
    double p = Math.pow(10, Math.max(log10, -300));
    boolean noDedup = !r.path("dedup").asBoolean(true);
    boolean noPromptFilter =
        "none".equals(r.path("prompt_filter").asText()) && "closed".equals(r.path("mode").asText());
    boolean exploratory =
        noDedup
            || noPromptFilter
            || !r.path("valid_test").asBoolean(true)
            || "not_a_valid_test".equals(r.path("verdict").asText());
    boolean positive = !exploratory && "radioactive".equals(r.path("verdict").asText());
    h.raw("<section id=\"finding\">\n<div id=\"verdict\" class=\"verdict ")
        .raw(positive ? "positive" : "negative")
        .raw("\">")
        .text(
            exploratory
                ? "Not a valid test: exploratory settings, no verdict"
                : positive
                    ? "Radioactive: the model's answers carry our watermark's bias"
                    : "Not radioactive: no sign the model learned from our watermarked text")
        .raw("</div>\n");
    if (exploratory) {
      h.raw("<ul id=\"exploratory\" class=\"note warning\">\n");
      if (noDedup) {
        h.raw("<li>")
            .text(
                "Warning: deduplication is OFF. Repeated tuples are scored again, so the p-value"
                    + " below is not a valid p-value.")
            .raw("</li>\n");
      }
      if (noPromptFilter) {
        h.raw("<li>")
            .text(
                "Warning: the prompt filter is OFF. A model that merely echoes a watermarked"
                    + " prompt looks radioactive, so the p-value below is not a valid p-value.")
            .raw("</li>\n");
      }
      h.raw("<li>")
          .text("This run is exploratory: it gives no verdict and cannot be signed as evidence.")
          .raw("</li>\n</ul>\n");
    }
    h.raw("<p id=\"pvalue\" class=\"pwords\">")
        .textWithPowers(
            "The chance that a model never trained on text watermarked with "
                + (keys > 1 ? "any of these " + keys + " keys" : "this key")
                + " scores this high is "
                + PValueWords.chance(p, log10)
                + " (p = "
                + PValueWords.scientific(log10)
                + (keys > 1 ? ", Bonferroni over the keys" : "")
                + ").")
        .raw("</p>\n<p class=\"note\">")
        .textWithPowers(
            "Significance level alpha = "
                + Html.level(r.path("alpha").asDouble(1e-6))
                + "; "
                + r.path("mode").asText()
                + " mode.")
        .raw("</p>\n</section>\n");

    h.raw("<section id=\"counts\">\n<h2>Counts and settings</h2>\n<table>\n");
    h.row("Key", r.path("key_id").asText() + " (" + r.path("scheme").asText() + ")");
    h.row(
        "closed".equals(r.path("mode").asText()) ? "Exchanges" : "Readings",
        Html.count(r.path("exchanges").asLong()));
    h.row("Positions", Html.count(r.path("positions").asLong()));
    h.row(
        "Deduplication",
        r.path("dedup").asBoolean(true)
            ? "on: one global tape, "
                + Html.count(r.path("duplicate_tuples").asLong())
                + " repeated tuples scored once"
            : "OFF: repeated tuples scored again (p-values are not valid; demonstration only)");
    h.row(
        "Prompt filter",
        r.path("prompt_filter").asText("")
            + ": "
            + Html.count(r.path("skipped_prompt_windows").asLong())
            + " windows skipped because they occur in a prompt");
    h.row(
        "Window filter",
        Html.count(r.path("skipped_unfiltered_windows").asLong())
            + " windows skipped as not frequent in the key-independent reference text");
    if (r.has("skipped_repeated_windows")) {
      h.row(
          "Repeated windows",
          Html.count(r.path("skipped_repeated_windows").asLong())
              + " positions skipped: their window occurred earlier in the same reading (only a"
              + " window's first occurrence is scored)");
    }
    h.row("Scored tuples", Html.count(r.path("scored_tuples").asLong()));
    if (kgw) {
      h.row(
          "Green tuples",
          Html.count(r.path("green_tuples").asLong())
              + " (share "
              + Html.num(100 * r.path("green_share").asDouble(), 2)
              + "%, gamma "
              + Html.num(100 * r.path("gamma").asDouble(), 2)
              + "%)");
    } else {
      h.row(
          "Mean score",
          Html.num(r.path("mean_score").asDouble(), 4)
              + " (expected "
              + Html.num(r.path("expected_mean_score").asDouble(), 4)
              + ")");
    }
    h.row("Malformed lines skipped", Html.count(r.path("malformed_lines").asLong()));
    h.raw("</table>\n</section>\n");

    ShareChart.render(
        h,
        kgw,
        r.path("scored_tuples").asLong(),
        kgw ? r.path("green_tuples").asDouble() : r.path("score").asDouble(),
        kgw ? r.path("gamma").asDouble() : r.path("expected_mean_score").asDouble(1.0));
    ScanSection.keysTable(h, r.path("keys"));
  }
}
