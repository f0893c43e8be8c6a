package dev.telltale.evidence.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telltale.stats.Tails;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The detection part of a report: verdict, p-value in plain words, the statistics, the token
 * heat-map and the cumulative score over token positions against the exact detection threshold.
 */
final class DetectionSection {
  /** The chart keeps at most this many points per line. */
  private static final int MAX_POINTS = 400;

  private DetectionSection() {}

  static void render(Html h, ReportInput in) {
    JsonNode r = in.result();
    boolean kgw = "kgw".equals(r.path("scheme").asText());
    long keys = Math.max(1, r.path("keys_tested").asLong(1));
    double alpha = r.path("alpha").asDouble(1e-6);
    boolean positive = "watermarked".equals(r.path("verdict").asText());
    // The verdict is taken on the family-wise p of each key's decisive value: the whole text, or
    // with --window the best window corrected for the windows tested.
    double log10 =
        r.path("log10_family_wise_p_value").asDouble(r.path("log10_p_value").asDouble(0));
    double p = r.path("family_wise_p_value").asDouble(r.path("p_value").asDouble(1));
    JsonNode w = r.get("window");
    boolean window = w != null && w.isObject();
    String who = keys > 1 ? "any of these " + keys + " keys" : "this key";
    String how =
        (window
                ? ", best window corrected over " + w.path("windows_tested").asLong() + " windows"
                : "")
            + (r.path("forms_tried").asLong(1) > 1
                ? ", corrected for " + r.path("forms_tried").asLong() + " normal forms of the text"
                : "")
            + (keys > 1 ? ", Holm-corrected over the keys" : "");
    h.raw("<section id=\"finding\">\n<div id=\"verdict\" class=\"verdict ")
        .raw(positive ? "positive" : "negative")
        .raw("\">")
        .text(positive ? "Watermarked" : "No watermark found")
        .raw("</div>\n<p id=\"pvalue\" class=\"pwords\">")
        .textWithPowers(
            "The chance that text not generated with "
                + who
                + (window ? " contains a passage scoring this high is " : " scores this high is ")
                + PValueWords.chance(p, log10)
                + " (p = "
                + PValueWords.scientific(log10)
                + how
                + ").")
        .raw("</p>\n<p class=\"note\">")
        .textWithPowers(
            "The verdict is \""
                + (positive ? "watermarked" : "not watermarked")
                + "\" because p is "
                + (positive ? "at or below" : "above")
                + " the significance level alpha = "
                + Html.level(alpha)
                + " chosen before the test.")
        .raw("</p>\n");
    if (window) {
      h.raw("<p class=\"pwords\" id=\"window\">")
          .textWithPowers(
              "The best window is tokens "
                  + w.path("start_token").asLong()
                  + " to "
                  + w.path("end_token").asLong()
                  + " ("
                  + w.path("scored_tokens").asLong()
                  + " scored). Over the whole text alone the chance is "
                  + PValueWords.chance(
                      r.path("p_value").asDouble(1), r.path("log10_p_value").asDouble(0))
                  + " (p = "
                  + PValueWords.scientific(r.path("log10_p_value").asDouble(0))
                  + ").")
          .raw("</p>\n");
    }
    spread(h, r);
    h.raw("</section>\n");
    statistics(h, r, kgw);
    Optional<JsonNode> marks = in.marks();
    h.raw("<section id=\"tokens\">\n<h2>Tokens</h2>\n");
    if (marks.isEmpty()) {
      h.raw("<p id=\"heatmap-missing\" class=\"note\">The heat-map needs the text and the key:")
          .raw(" run <code>telltale detect --json --explain</code>, or give")
          .raw(" <code>telltale report … --text FILE --keys KEYS.json</code>.</p>\n");
    } else {
      heatMap(h, r, marks.get(), kgw);
      curve(h, r, marks.get(), kgw, alpha / keys);
    }
    h.raw("</section>\n");
  }

  /**
   * The spoofing check: whether the score also stands on the contexts a thief could not have learnt
   * (rare in the defender's key-independent reference).
   */
  private static void spread(Html h, JsonNode r) {
    JsonNode s = r.get("spread_check");
    if (s == null || !s.isObject()) {
      return;
    }
    boolean flagged = s.path("flagged").asBoolean();
    String rare =
        "Over the "
            + Html.count(s.path("rare_scored").asLong())
            + " scored tokens in rare contexts (reference "
            + s.path("reference").asText()
            + ") the chance is "
            + PValueWords.chance(
                s.path("rare_p_value").asDouble(1), s.path("log10_rare_p_value").asDouble(0))
            + " (p = "
            + PValueWords.scientific(s.path("log10_rare_p_value").asDouble(0))
            + ")";
    if (flagged) {
      h.raw("<p class=\"warn\" id=\"spread\">")
          .textWithPowers(
              "Possible spoof: the green hits sit in frequent contexts, where a rival who learnt"
                  + " our green lists from many of our outputs could have placed them. "
                  + rare
                  + ", above the level "
                  + Html.level(s.path("rare_level").asDouble(1e-2))
                  + " a genuine watermark reaches there too.")
          .raw("</p>\n");
    } else {
      h.raw("<p class=\"note\" id=\"spread\">")
          .textWithPowers(
              "Spoofing check: "
                  + rare
                  + "; the score is not confined to frequent contexts a rival could learn.")
          .raw("</p>\n");
    }
  }

  private static void statistics(Html h, JsonNode r, boolean kgw) {
    h.raw("<section id=\"statistics\">\n<h2>Statistics</h2>\n<table>\n");
    h.row("Key", r.path("key_id").asText() + " (" + r.path("scheme").asText() + ")");
    h.row("Tokenizer", r.path("tokenizer").asText());
    h.row("Tokens", Html.count(r.path("tokens").asLong()));
    h.row(
        "Scored tokens",
        Html.count(r.path("scored_tokens").asLong())
            + " (the first tokens lack a full context; "
            + Html.count(r.path("duplicate_tuples").asLong())
            + " repeated (context, token) tuples were scored once only)");
    if (kgw) {
      h.row(
          "Green tokens",
          Html.count(r.path("green_tokens").asLong())
              + " ("
              + Html.num(100 * r.path("green_share").asDouble(), 1)
              + "%; expected by chance "
              + Html.num(r.path("expected_green_tokens").asDouble(), 1)
              + ")");
    } else {
      h.row(
          "Score",
          Html.num(r.path("score").asDouble(), 2)
              + " (expected by chance "
              + Html.num(r.path("expected_score").asDouble(), 1)
              + ")");
    }
    h.row("z", Html.num(r.path("z_score").asDouble(), 2));
    h.rowWithPowers(
        "p-value",
        PValueWords.scientific(r.path("log10_p_value").asDouble())
            + " (log10 "
            + Html.num(r.path("log10_p_value").asDouble(), 2)
            + ")");
    if (r.hasNonNull("normal_form")) {
      long k = r.path("forms_tried").asLong(1);
      h.row(
          "Normal form",
          r.path("normal_form").asText()
              + (k > 1
                  ? " (smallest p of "
                      + k
                      + " normal forms; the verdict's p is multiplied by "
                      + k
                      + ")"
                  : " (every normal form gave the same tokens)"));
    }
    h.row("Keys tested", Long.toString(r.path("keys_tested").asLong(1)));
    h.rowWithPowers("Significance level", Html.level(r.path("alpha").asDouble(1e-6)));
    h.raw("</table>\n</section>\n");
  }

  private static void heatMap(Html h, JsonNode r, JsonNode marks, boolean kgw) {
    long scored = 0;
    double sum = 0;
    for (JsonNode t : marks.path("tokens")) {
      if (t.hasNonNull("score")) {
        scored++;
        sum += t.get("score").asDouble();
      }
    }
    if (!marks.path("key_id").asText().equals(r.path("key_id").asText())
        || scored != r.path("scored_tokens").asLong()
        || Math.abs(sum - (kgw ? r.path("green_tokens").asDouble() : r.path("score").asDouble()))
            > 1e-6 * Math.max(1, sum)) {
      h.raw("<p class=\"warn\" id=\"marks-mismatch\">These marks do not reproduce the recorded")
          .raw(" result (another text or key?): the heat-map below is not the tested text.</p>\n");
    }
    h.raw("<p class=\"note\">");
    if (kgw) {
      h.raw("Each scored token is shaded<span class=\"legend-box tok g\"></span>green or")
          .raw("<span class=\"legend-box tok r\"></span>red by the key; by chance a share gamma")
          .raw(" of them is green. Grey tokens were not scored (no full context yet, or a")
          .raw(" repeated tuple).");
    } else {
      h.raw("Each scored token is shaded by its Gumbel score −ln(1 − r), from pale (low) to")
          .raw(" deep red (high); by chance the mean is 1. Grey tokens were not scored.");
    }
    h.raw("</p>\n<div id=\"heatmap\" dir=\"auto\">");
    for (JsonNode t : marks.path("tokens")) {
      String text = t.path("text").asText("");
      if (!t.hasNonNull("score")) {
        h.raw("<span class=\"tok n\">").text(text).raw("</span>");
        continue;
      }
      double s = t.get("score").asDouble();
      String tip = kgw ? (s > 0 ? "green" : "red") : "score " + Html.num(s, 2);
      if (kgw) {
        h.raw("<span class=\"tok ").raw(s > 0 ? "g" : "r").raw("\" title=\"").text(tip);
        h.raw("\">").text(text).raw("</span>");
      } else {
        h.raw("<span class=\"tok h\" style=\"background:")
            .raw(heat(s))
            .raw("\" title=\"")
            .text(tip)
            .raw("\">")
            .text(text)
            .raw("</span>");
      }
    }
    h.raw("</div>\n");
  }

  /** A heat colour for a Gumbel score: 0 pale yellow, 1 (the null mean) orange-ish, 5+ red. */
  static String heat(double s) {
    double t = Math.max(0, Math.min(1, s / 5));
    double hue = 55 - 55 * t;
    double light = 92 - 42 * t;
    return String.format(Locale.ROOT, "hsl(%.0f,95%%,%.0f%%)", hue, light);
  }

  private static void curve(Html h, JsonNode r, JsonNode marks, boolean kgw, double level) {
    List<double[]> points = new ArrayList<>();
    long k = 0;
    double cum = 0;
    int pos = 0;
    for (JsonNode t : marks.path("tokens")) {
      if (t.hasNonNull("score")) {
        k++;
        cum += t.get("score").asDouble();
        points.add(new double[] {pos, cum, k});
      }
      pos++;
    }
    if (points.isEmpty()) {
      h.raw("<p class=\"note\">No token was scored: there is no curve to draw.</p>\n");
      return;
    }
    long n = r.path("scored_tokens").asLong();
    double gamma = kgw ? (n == 0 ? 0.25 : r.path("expected_green_tokens").asDouble() / n) : 1.0;
    int step = Math.max(1, points.size() / MAX_POINTS);
    List<double[]> kept = new ArrayList<>();
    for (int i = 0; i < points.size(); i += step) {
      kept.add(points.get(i));
    }
    if (kept.get(kept.size() - 1) != points.get(points.size() - 1)) {
      kept.add(points.get(points.size() - 1));
    }
    double[] xs = new double[kept.size()];
    double[] ys = new double[kept.size()];
    double[] expected = new double[kept.size()];
    List<double[]> thr = new ArrayList<>();
    for (int i = 0; i < kept.size(); i++) {
      double[] pt = kept.get(i);
      xs[i] = pt[0];
      ys[i] = pt[1];
      expected[i] = pt[2] * gamma;
      double tv =
          kgw
              ? (gamma > 0 && gamma < 1 ? greenThreshold((long) pt[2], gamma, level) : Double.NaN)
              : gumbelThreshold((long) pt[2], level);
      if (!Double.isNaN(tv)) {
        thr.add(new double[] {pt[0], tv});
      }
    }
    List<SvgChart.Series> series = new ArrayList<>();
    series.add(
        new SvgChart.Series(kgw ? "green tokens so far" : "score so far", xs, ys, "observed"));
    series.add(new SvgChart.Series("expected by chance", xs, expected, "expected"));
    if (!thr.isEmpty()) {
      double[] tx = new double[thr.size()];
      double[] ty = new double[thr.size()];
      for (int i = 0; i < thr.size(); i++) {
        tx[i] = thr.get(i)[0];
        ty[i] = thr.get(i)[1];
      }
      series.add(
          new SvgChart.Series(
              "detection threshold (p = "
                  + Html.level(level).replace(" \u00d7 10^", "e").replace("10^", "1e")
                  + ")",
              tx,
              ty,
              "threshold"));
    }
    h.raw("<h3>Cumulative score</h3>\n<p class=\"note\">")
        .textWithPowers(
            "The score summed over the scored tokens up to each position. The dashed red line is"
                + " the exact threshold: where the curve ends above it, p is below "
                + Html.level(level)
                + (kgw
                    ? " (binomial tail of the green count)."
                    : " (Gamma tail of the summed score)."))
        .raw("</p>\n")
        .raw(
            SvgChart.line(
                "score-chart",
                "Cumulative score over token positions with the detection threshold",
                "token position",
                kgw ? "green tokens" : "score",
                series));
  }

  /** The smallest green count of {@code k} tuples with a binomial tail at most {@code level}. */
  static double greenThreshold(long k, double gamma, double level) {
    double target = Math.log10(level);
    if (Tails.binomialUpper(k, k, gamma).log10PValue() > target) {
      return Double.NaN;
    }
    long lo = 0;
    long hi = k;
    while (lo < hi) {
      long mid = (lo + hi) >>> 1;
      if (Tails.binomialUpper(k, mid, gamma).log10PValue() <= target) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  /**
   * The smallest summed Gumbel score of {@code k} tuples with a Gamma tail at most {@code level}.
   */
  static double gumbelThreshold(long k, double level) {
    double target = Math.log10(level);
    double lo = k;
    double hi = k + 10;
    while (Tails.gammaUpper(k, hi).log10PValue() > target) {
      lo = hi;
      hi = k + 2 * (hi - k);
    }
    for (int i = 0; i < 50 && hi - lo > 1e-3; i++) {
      double mid = (lo + hi) / 2;
      if (Tails.gammaUpper(k, mid).log10PValue() <= target) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return hi;
  }
}
