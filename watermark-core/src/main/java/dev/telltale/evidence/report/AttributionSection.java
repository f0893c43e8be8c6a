package dev.telltale.evidence.report;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The attribution part of a report: which accounts' outputs appear in the tested documents, with
 * corrected p-values, and each document's outcome.
 */
final class AttributionSection {
  /** Documents listed in the table; the rest are counted. */
  private static final int MAX_DOCUMENTS = 200;

  private AttributionSection() {}

  static void render(Html h, JsonNode r) {
    JsonNode accounts = r.path("accounts");
    double alpha = r.path("alpha").asDouble(1e-6);
    boolean positive = accounts.isArray() && !accounts.isEmpty();
    h.raw("<section id=\"finding\">\n<div id=\"verdict\" class=\"verdict ")
        .raw(positive ? "positive" : "negative")
        .raw("\">")
        .text(
            positive
                ? accounts.size() + (accounts.size() == 1 ? " account" : " accounts") + " found"
                : "No account attributed")
        .raw("</div>\n<p id=\"pvalue\" class=\"pwords\">");
    if (positive) {
      JsonNode first = accounts.get(0);
      for (JsonNode a : accounts) {
        if (a.path("log10_p_value").asDouble() < first.path("log10_p_value").asDouble()) {
          first = a;
        }
      }
      h.textWithPowers(
          "For the strongest account, "
              + first.path("account").asText()
              + ", the chance that documents not generated for it decode to it this strongly is "
              + PValueWords.chance(
                  first.path("p_value").asDouble(), first.path("log10_p_value").asDouble())
              + " (p = "
              + PValueWords.scientific(first.path("log10_p_value").asDouble())
              + ").");
    } else {
      h.textWithPowers(
          "No document decoded to an account at significance level " + Html.level(alpha) + ".");
    }
    long mixed = 0;
    for (JsonNode d : r.path("documents")) {
      if ("mixed_sources".equals(d.path("outcome").asText())) {
        mixed++;
      }
    }
    if (mixed > 0) {
      h.raw("</p>\n<p id=\"mixed-sources\" class=\"note warning\">")
          .text(
              "Warning: "
                  + mixed
                  + (mixed == 1 ? " document carries" : " documents carry")
                  + " more than one account's payload (mixed sources, e.g. outputs of several"
                  + " accounts pasted together). Their decoded account may be a chimera that"
                  + " served none of the text, so no account is named for them; their candidates"
                  + " are listed in the result JSON.");
    }
    h.raw("</p>\n<p class=\"note\">")
        .text("Correction: " + r.path("correction").asText() + ". Tokenizer ")
        .text(r.path("tokenizer").asText() + "; zero-bit detection at alpha ")
        .textWithPowers(
            Html.level(r.path("detect_alpha").asDouble(1e-6))
                + ", attribution at alpha "
                + Html.level(alpha)
                + ".")
        .raw("</p>\n</section>\n");

    h.raw(
            "<section id=\"accounts\">\n<h2>Accounts</h2>\n<table class=\"list\" id=\"account-table\">")
        .raw("\n<tr><th>Account</th><th>Documents</th><th>p-value</th><th>In words</th></tr>\n");
    for (JsonNode a : accounts) {
      double l = a.path("log10_p_value").asDouble();
      h.raw("<tr><td>").text(a.path("account").asText()).raw("</td><td class=\"num\">");
      h.text(Html.count(a.path("documents").asLong())).raw("</td><td class=\"num\">");
      h.textWithPowers(PValueWords.scientific(l)).raw("</td><td>");
      h.textWithPowers(PValueWords.chance(a.path("p_value").asDouble(), l)).raw("</td></tr>\n");
    }
    h.raw("</table>\n</section>\n");

    JsonNode docs = r.path("documents");
    h.raw("<section id=\"documents\">\n<h2>Documents</h2>\n<table class=\"list\">\n")
        .raw("<tr><th>Document</th><th>Tokens</th><th>Zero-bit p</th><th>Outcome</th>")
        .raw("<th>Account</th><th>Corrected p</th></tr>\n");
    int shown = 0;
    for (JsonNode d : docs) {
      if (shown++ == MAX_DOCUMENTS) {
        break;
      }
      h.raw("<tr><td><bdi>").text(d.path("document").asText()).raw("</bdi></td>");
      h.raw("<td class=\"num\">").text(Html.count(d.path("tokens").asLong())).raw("</td>");
      h.raw("<td class=\"num\">")
          .textWithPowers(PValueWords.scientific(d.path("log10_zero_bit_p_value").asDouble()));
      h.raw("</td><td>").text(d.path("outcome").asText()).raw("</td><td>");
      h.text(d.path("account").isNull() ? "—" : d.path("account").asText());
      h.raw("</td><td class=\"num\">");
      if (d.has("log10_corrected_p_value")) {
        h.textWithPowers(PValueWords.scientific(d.get("log10_corrected_p_value").asDouble()));
      } else {
        h.text("—");
      }
      h.raw("</td></tr>\n");
    }
    h.raw("</table>\n");
    if (docs.size() > MAX_DOCUMENTS) {
      h.raw("<p class=\"note\">")
          .text((docs.size() - MAX_DOCUMENTS) + " more documents in the result JSON.")
          .raw("</p>\n");
    }
    h.raw("</section>\n");
  }
}
