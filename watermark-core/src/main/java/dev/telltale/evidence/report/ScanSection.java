package dev.telltale.evidence.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Set;

/**
 * The corpus-scan part of a report: the pooled verdict and p-value, the histogram of per-document
 * p-values against what a corpus without our text would give, the green share against gamma, the
 * top suspect documents, the keys, counts and deduplication.
 */
final class ScanSection {
  private ScanSection() {}

  static void render(Html h, JsonNode r, double alpha) {
    boolean kgw = "kgw".equals(r.path("scheme").asText());
    double log10 = r.path("log10_pooled_p_value").asDouble(0);
    double p = r.path("pooled_p_value").asDouble(1);
    boolean positive = PValueWords.significant(log10, alpha);
    long keys = Math.max(1, r.path("keys_tested").asLong(1));
    h.raw("<section id=\"finding\">\n<div id=\"verdict\" class=\"verdict ")
        .raw(positive ? "positive" : "negative")
        .raw("\">")
        .text(
            positive ? "Watermarked text found in the corpus" : "No watermark found in the corpus")
        .raw("</div>\n<p id=\"pvalue\" class=\"pwords\">")
        .textWithPowers(
            "The chance that a corpus containing no text generated with "
                + (keys > 1 ? "any of these " + keys + " keys" : "this key")
                + " scores this high is "
                + PValueWords.chance(p, log10)
                + " (pooled p = "
                + PValueWords.scientific(log10)
                + (keys > 1 ? ", family-wise over the keys" : "")
                + ").")
        .raw("</p>\n<p class=\"note\">")
        .textWithPowers(
            "One exact test over the distinct (context, token) tuples of the whole corpus, at"
                + " significance level alpha = "
                + Html.level(alpha)
                + ". Each tuple is scored once however many documents repeat it, so the test"
                + " stays valid when documents overlap.")
        .raw("</p>\n</section>\n");

    h.raw("<section id=\"counts\">\n<h2>Counts</h2>\n<table>\n");
    h.row("Documents", Html.count(r.path("documents").asLong()));
    h.row("Tokens", Html.count(r.path("tokens").asLong()));
    h.row("Bytes read", Html.count(r.path("bytes").asLong()));
    h.row("Best key", r.path("key_id").asText() + " (" + r.path("scheme").asText() + ")");
    h.row(
        "Deduplication",
        Html.count(r.path("positions").asLong())
            + " scored positions, "
            + Html.count(r.path("scored_tuples").asLong())
            + " distinct tuples after one global dedup tape over the corpus");
    if (kgw) {
      h.row(
          "Green tuples",
          Html.count(r.path("green_tuples").asLong())
              + " (expected by chance "
              + Html.num(r.path("expected_green_tuples").asDouble(), 1)
              + ")");
    } else {
      h.row(
          "Score",
          Html.num(r.path("score").asDouble(), 2)
              + " (expected by chance "
              + Html.num(r.path("expected_score").asDouble(), 1)
              + ")");
    }
    JsonNode sus = r.path("suspect_documents");
    h.row(
        "Suspect documents",
        Html.count(sus.path("count").asLong())
            + " at false discovery rate "
            + sus.path("fdr").asDouble()
            + " (Benjamini–Hochberg over the documents' p-values)");
    h.row("Malformed lines skipped", Html.count(r.path("malformed_lines").path("count").asLong()));
    h.raw("</table>\n</section>\n");

    h.raw("<section id=\"distribution\">\n<h2>Per-document p-values</h2>\n");
    histogram(h, r);
    h.raw("</section>\n");
    ShareChart.render(
        h,
        kgw,
        r.path("scored_tuples").asLong(),
        kgw ? r.path("green_tuples").asDouble() : r.path("score").asDouble(),
        kgw ? ShareChart.nullShare(r, "expected_green_tuples", "scored_tuples") : 1.0);
    suspects(h, r);
    keysTable(h, r.path("keys"));
  }

  private static void histogram(Html h, JsonNode r) {
    JsonNode dec = r.path("document_p_values").path("decades");
    if (!dec.isArray() || dec.isEmpty()) {
      h.raw("<p class=\"note\" id=\"histogram-missing\">This result has no per-document p-value")
          .raw(
              " histogram (it was written by an older telltale); re-run the scan to get one.</p>\n");
      return;
    }
    int bins = dec.size();
    long docs = r.path("documents").asLong();
    long[] counts = new long[bins];
    double[] expected = new double[bins];
    String[] labels = new String[bins];
    for (int i = 0; i < bins; i++) {
      counts[i] = dec.get(i).asLong();
      boolean last = i == bins - 1;
      // Under the null p is uniform: P[10^-(i+1) < p <= 10^-i] = 0.9 * 10^-i.
      expected[i] = docs * (last ? Math.pow(10, -i) : 0.9 * Math.pow(10, -i));
      labels[i] = last ? "≤1e-" + i : (i == 0 ? ">0.1" : "1e-" + i);
    }
    h.raw("<p class=\"note\">")
        .text(
            "Documents by decade of their p-value (bars), against the count a corpus without our"
                + " text would give (grey ticks: p is uniform or conservative under the null, so about 90% of"
                + " documents fall above 0.1, 9% between 0.01 and 0.1, and so on). The bar labelled"
                + " 1e-3 counts documents with 0.0001 < p ≤ 0.001.")
        .raw("</p>\n")
        .raw(
            SvgChart.bars(
                "pvalue-histogram",
                "Histogram of per-document p-values by decade",
                "documents",
                labels,
                counts,
                expected));
  }

  private static void suspects(Html h, JsonNode r) {
    h.raw("<section id=\"suspects\">\n<h2>Most significant documents</h2>\n");
    JsonNode top = r.path("top_documents");
    Set<String> flagged = new HashSet<>();
    r.path("suspect_documents").path("ids").forEach(n -> flagged.add(n.asText()));
    if (top.isArray() && !top.isEmpty()) {
      h.raw("<table class=\"list\" id=\"suspect-table\">\n<tr><th>#</th><th>Document</th>")
          .raw("<th>Tokens</th><th>Scored</th><th>p-value</th><th>Key</th><th>Flagged</th></tr>\n");
      int i = 1;
      for (JsonNode d : top) {
        h.raw("<tr><td class=\"num\">").text(Integer.toString(i++)).raw("</td><td><bdi>");
        h.text(d.path("id").asText()).raw("</bdi></td><td class=\"num\">");
        h.text(Html.count(d.path("tokens").asLong())).raw("</td><td class=\"num\">");
        h.text(Html.count(d.path("scored").asLong())).raw("</td><td class=\"num\">");
        h.textWithPowers(PValueWords.scientific(d.path("log10_p_value").asDouble()));
        h.raw("</td><td>").text(d.path("key_id").asText()).raw("</td><td>");
        h.text(flagged.contains(d.path("id").asText()) ? "yes" : "no").raw("</td></tr>\n");
      }
      h.raw("</table>\n<p class=\"note\">Flagged: in the Benjamini–Hochberg suspect list.</p>\n");
    } else if (!flagged.isEmpty()) {
      h.raw("<ul id=\"suspect-table\">\n");
      r.path("suspect_documents")
          .path("ids")
          .forEach(n -> h.raw("<li><bdi>").text(n.asText()).raw("</bdi></li>\n"));
      h.raw("</ul>\n");
    } else {
      h.raw("<p class=\"note\">No document was flagged.</p>\n");
    }
    h.raw("</section>\n");
  }

  static void keysTable(Html h, JsonNode keys) {
    if (!keys.isArray() || keys.size() < 1) {
      return;
    }
    h.raw("<section id=\"keys\">\n<h2>Keys tested</h2>\n<table class=\"list\">\n")
        .raw("<tr><th>Key</th><th>Scheme</th><th>Scored tuples</th><th>Score</th>")
        .raw("<th>Expected</th><th>p-value</th></tr>\n");
    for (JsonNode k : keys) {
      h.raw("<tr><td>").text(k.path("key_id").asText()).raw("</td><td>");
      h.text(k.path("scheme").asText()).raw("</td><td class=\"num\">");
      h.text(Html.count(k.path("scored_tuples").asLong())).raw("</td><td class=\"num\">");
      double score = k.has("score") ? k.get("score").asDouble() : k.path("green_tuples").asDouble();
      h.text(Html.num(score, 1)).raw("</td><td class=\"num\">");
      double n = k.path("scored_tuples").asDouble();
      double expected =
          k.has("expected_score")
              ? k.get("expected_score").asDouble()
              : k.has("gamma")
                  ? k.get("gamma").asDouble() * n
                  : k.path("expected_mean_score").asDouble() * n;
      h.text(Html.num(expected, 1)).raw("</td><td class=\"num\">");
      h.textWithPowers(PValueWords.scientific(k.path("log10_p_value").asDouble()));
      h.raw("</td></tr>\n");
    }
    h.raw("</table>\n</section>\n");
  }
}
