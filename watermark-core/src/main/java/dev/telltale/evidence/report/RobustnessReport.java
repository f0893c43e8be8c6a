package dev.telltale.evidence.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The robustness table (true-positive rate at fixed false-positive levels, by scheme, attack,
 * length and detection normal form) as JSON, Markdown and a self-contained HTML page with an SVG
 * chart. One builder for all three, used by the CLI and by tests.
 */
public final class RobustnessReport {
  /**
   * One cell: {@code detected[l]} of {@code texts} watermarked texts and {@code falsePositives[l]}
   * of {@code nulls} null texts had p at most {@code levels[l]}.
   */
  public record Cell(
      String key,
      String scheme,
      String attack,
      int length,
      String form,
      int texts,
      int nulls,
      int[] detected,
      int[] falsePositives,
      double medianLog10P) {}

  private final double[] levels;
  private final List<Cell> cells;
  private final String command;

  public RobustnessReport(double[] levels, List<Cell> cells, String command) {
    this.levels = levels.clone();
    this.cells = List.copyOf(cells);
    this.command = command;
  }

  public String json() {
    ObjectMapper m = new ObjectMapper();
    ObjectNode root = m.createObjectNode();
    root.put("command", command);
    ArrayNode lv = root.putArray("fpr_levels");
    for (double l : levels) {
      lv.add(l);
    }
    root.put(
        "note",
        "detected at level a when the exact p-value is <= a; fpr measured on the attacked nulls");
    ArrayNode rows = root.putArray("rows");
    for (Cell c : cells) {
      ObjectNode r = rows.addObject();
      r.put("key", c.key());
      r.put("scheme", c.scheme());
      r.put("attack", c.attack());
      r.put("length", c.length());
      r.put("normal_form", c.form());
      r.put("texts", c.texts());
      r.put("nulls", c.nulls());
      ArrayNode tpr = r.putArray("tpr");
      ArrayNode fpr = r.putArray("fpr");
      for (int l = 0; l < levels.length; l++) {
        tpr.add(c.detected()[l] / (double) c.texts());
        fpr.add(c.falsePositives()[l] / (double) c.nulls());
      }
      r.put("median_log10_p", c.medianLog10P());
    }
    try {
      return m.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public String markdown() {
    StringBuilder b = new StringBuilder();
    b.append("| scheme | attack | tokens | normal form |");
    for (double l : levels) {
      b.append(" TPR@").append(level(l)).append(" |");
    }
    for (double l : levels) {
      b.append(" FPR@").append(level(l)).append(" |");
    }
    b.append(" median log10 p | texts / nulls |\n|---|---|---|---|");
    b.append("---|".repeat(2 * levels.length)).append("---|---|\n");
    for (Cell c : cells) {
      b.append("| ")
          .append(c.scheme())
          .append(" | ")
          .append(c.attack())
          .append(" | ")
          .append(c.length())
          .append(" | ")
          .append(c.form().toLowerCase(Locale.ROOT))
          .append(" |");
      for (int l = 0; l < levels.length; l++) {
        b.append(' ').append(pct(c.detected()[l], c.texts())).append(" |");
      }
      for (int l = 0; l < levels.length; l++) {
        b.append(' ').append(c.falsePositives()[l]).append('/').append(c.nulls()).append(" |");
      }
      b.append(
          String.format(
              Locale.ROOT, " %.1f | %d / %d |%n", c.medianLog10P(), c.texts(), c.nulls()));
    }
    return b.toString();
  }

  /**
   * A self-contained page: one bar chart per scheme and length (TPR at the middle level after the
   * last normal form, ticks for the first), then the Markdown table as HTML.
   */
  public String html() {
    Html h = new Html();
    h.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .raw("<title>Telltale robustness</title>\n<style>\n")
        .raw(Report.CSS)
        .raw("</style>\n</head>\n<body>\n<header>\n<h1>Telltale robustness</h1>\n")
        .raw("<p class=\"sub\">")
        .text(command)
        .raw("</p>\n</header>\n");
    int mid = levels.length > 1 ? 1 : 0;
    Set<String> forms = new LinkedHashSet<>();
    Set<String> groups = new LinkedHashSet<>();
    for (Cell c : cells) {
      forms.add(c.form());
      groups.add(c.scheme() + "\u0000" + c.length());
    }
    List<String> formList = new ArrayList<>(forms);
    String last = formList.get(formList.size() - 1);
    String first = formList.get(0);
    int chart = 0;
    for (String g : groups) {
      String scheme = g.substring(0, g.indexOf('\u0000'));
      int length = Integer.parseInt(g.substring(g.indexOf('\u0000') + 1));
      List<String> labels = new ArrayList<>();
      List<Long> after = new ArrayList<>();
      List<Double> before = new ArrayList<>();
      for (Cell c : cells) {
        if (c.scheme().equals(scheme) && c.length() == length && c.form().equals(last)) {
          labels.add(c.attack());
          after.add(Math.round(100.0 * c.detected()[mid] / c.texts()));
          double b = Double.NaN;
          for (Cell o : cells) {
            if (o.scheme().equals(scheme)
                && o.length() == length
                && o.attack().equals(c.attack())
                && o.form().equals(first)) {
              b = 100.0 * o.detected()[mid] / o.texts();
            }
          }
          before.add(Double.isNaN(b) ? 100.0 * c.detected()[mid] / c.texts() : b);
        }
      }
      h.raw("<section>\n<h2>")
          .text(scheme + ", " + length + " tokens: TPR (%) at FPR " + level(levels[mid]))
          .raw("</h2>\n<p class=\"note\">")
          .text("Bars: normal form " + last + "; ticks: " + first + ".")
          .raw("</p>\n")
          .raw(
              SvgChart.bars(
                  "robustness-" + chart++,
                  scheme + " " + length + " tokens",
                  "TPR %",
                  labels.toArray(String[]::new),
                  after.stream().mapToLong(Long::longValue).toArray(),
                  before.stream().mapToDouble(Double::doubleValue).toArray()))
          .raw("</section>\n");
    }
    h.raw("<section>\n<h2>Table</h2>\n<pre>").text(markdown()).raw("</pre>\n</section>\n");
    h.raw("</body>\n</html>\n");
    return h.toString();
  }

  private static String pct(int k, int n) {
    return String.format(Locale.ROOT, "%.0f %%", 100.0 * k / n);
  }

  private static String level(double l) {
    return String.format(Locale.ROOT, "%.0e", l).replace("e-0", "e-");
  }
}
