package dev.telltale.evidence.report;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The "share against its null" figure shared by scan and radioactivity reports: for green lists the
 * observed green share with its exact 95% Clopper–Pearson interval against gamma and the central
 * 95% binomial range under the null; for Gumbel the mean score against 1 and the central 95% Gamma
 * range under the null.
 */
final class ShareChart {
  private ShareChart() {}

  /**
   * @param scored scored (distinct) tuples
   * @param score green tuples (kgw) or summed score (gumbel)
   * @param nullShare gamma (kgw) or 1 (gumbel)
   */
  static void render(Html h, boolean kgw, long scored, double score, double nullShare) {
    h.raw("<section id=\"share\">\n<h2>")
        .text(kgw ? "Green share against chance" : "Mean score against chance")
        .raw("</h2>\n");
    if (scored <= 0) {
      h.raw("<p class=\"note\">No tuple was scored: there is no share to draw.</p>\n</section>\n");
      return;
    }
    double observed = score / scored;
    if (kgw) {
      double[] ci = ShareIntervals.clopperPearson(Math.round(score), scored);
      double[] band =
          nullShare > 0 && nullShare < 1
              ? ShareIntervals.binomialNullBand(scored, nullShare)
              : null;
      h.raw("<p class=\"note\" id=\"share-words\">")
          .text(
              "Green share "
                  + Html.num(100 * observed, 2)
                  + "% of "
                  + Html.count(scored)
                  + " scored tuples, 95% interval "
                  + Html.num(100 * ci[0], 2)
                  + "–"
                  + Html.num(100 * ci[1], 2)
                  + "% (exact Clopper–Pearson binomial interval, red bar), against gamma = "
                  + Html.num(100 * nullShare, 2)
                  + "% expected by chance (dashed line)"
                  + (band == null
                      ? "."
                      : "; the grey band holds 95% of green shares of unwatermarked text of this"
                          + " size (exact binomial quantiles)."))
          .raw("</p>\n")
          .raw(
              SvgChart.interval(
                  "share-chart",
                  "Green share with its 95% interval against gamma",
                  "green share",
                  nullShare,
                  band,
                  observed,
                  ci));
    } else {
      double[] band = ShareIntervals.gammaNullBand(scored);
      h.raw("<p class=\"note\" id=\"share-words\">")
          .text(
              "Mean Gumbel score "
                  + Html.num(observed, 4)
                  + " over "
                  + Html.count(scored)
                  + " scored tuples, against 1 expected by chance (dashed line); the grey band"
                  + " holds 95% of mean scores of unwatermarked text of this size (exact Gamma("
                  + scored
                  + ", 1) quantiles divided by "
                  + scored
                  + ").")
          .raw("</p>\n")
          .raw(
              SvgChart.interval(
                  "share-chart",
                  "Mean Gumbel score against its null range",
                  "mean score",
                  1.0,
                  band,
                  observed,
                  new double[] {observed, observed}));
    }
    h.raw("</section>\n");
  }

  /** The null share of a result with {@code expectedField} and {@code scoredField}. */
  static double nullShare(JsonNode r, String expectedField, String scoredField) {
    long n = r.path(scoredField).asLong();
    return n == 0 ? 0 : r.path(expectedField).asDouble() / n;
  }
}
