package dev.telltale.evidence.report;

import java.util.List;
import java.util.Locale;

/**
 * The report's charts as inline SVG: a line chart (cumulative score with its threshold), a bar
 * chart (p-value histogram) and an interval chart (share against its null value). Fixed view boxes,
 * scaled by CSS; labels are escaped like all other data.
 */
final class SvgChart {
  static final int W = 640;
  static final int H = 260;
  private static final int LEFT = 64;
  private static final int RIGHT = 16;
  private static final int TOP = 16;
  private static final int BOTTOM = 44;

  private SvgChart() {}

  /** One line of a line chart; {@code cls} picks its CSS stroke. */
  record Series(String label, double[] xs, double[] ys, String cls) {}

  static String line(String id, String title, String xLabel, String yLabel, List<Series> series) {
    double x0 = Double.POSITIVE_INFINITY;
    double x1 = Double.NEGATIVE_INFINITY;
    double y0 = 0;
    double y1 = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (int i = 0; i < s.xs.length; i++) {
        x0 = Math.min(x0, s.xs[i]);
        x1 = Math.max(x1, s.xs[i]);
        y0 = Math.min(y0, s.ys[i]);
        y1 = Math.max(y1, s.ys[i]);
      }
    }
    if (!(x1 > x0)) {
      x1 = x0 + 1;
    }
    if (!(y1 > y0)) {
      y1 = y0 + 1;
    }
    StringBuilder b = open(id, title);
    axes(b, x0, x1, y0, y1, xLabel, yLabel);
    int legendY = TOP + 12;
    for (Series s : series) {
      b.append("<polyline class=\"").append(Html.escape(s.cls)).append("\" points=\"");
      for (int i = 0; i < s.xs.length; i++) {
        b.append(f(px(s.xs[i], x0, x1))).append(',').append(f(py(s.ys[i], y0, y1))).append(' ');
      }
      b.append("\"/>\n");
      b.append("<line class=\"")
          .append(Html.escape(s.cls))
          .append("\" x1=\"")
          .append(LEFT + 10)
          .append("\" x2=\"")
          .append(LEFT + 34)
          .append("\" y1=\"")
          .append(legendY - 4)
          .append("\" y2=\"")
          .append(legendY - 4)
          .append("\"/><text class=\"legend\" x=\"")
          .append(LEFT + 40)
          .append("\" y=\"")
          .append(legendY)
          .append("\">")
          .append(Html.escape(s.label))
          .append("</text>\n");
      legendY += 16;
    }
    return b.append("</svg>\n").toString();
  }

  /** Bars with labels under them; {@code expected} (same length, or null) is drawn as ticks. */
  static String bars(
      String id, String title, String yLabel, String[] labels, long[] counts, double[] expected) {
    double max = 1;
    for (int i = 0; i < counts.length; i++) {
      max = Math.max(max, counts[i]);
      if (expected != null) {
        max = Math.max(max, expected[i]);
      }
    }
    StringBuilder b = open(id, title);
    axes(b, 0, counts.length, 0, max, null, yLabel);
    double slot = (double) (W - LEFT - RIGHT) / counts.length;
    for (int i = 0; i < counts.length; i++) {
      double x = LEFT + i * slot;
      double top = py(counts[i], 0, max);
      b.append("<rect class=\"bar\" x=\"")
          .append(f(x + slot * 0.1))
          .append("\" y=\"")
          .append(f(top))
          .append("\" width=\"")
          .append(f(slot * 0.8))
          .append("\" height=\"")
          .append(f(H - BOTTOM - top))
          .append("\"><title>")
          .append(Html.escape(labels[i] + ": " + counts[i]))
          .append("</title></rect>\n");
      if (expected != null) {
        double ey = py(expected[i], 0, max);
        b.append("<line class=\"expected\" x1=\"")
            .append(f(x + slot * 0.05))
            .append("\" x2=\"")
            .append(f(x + slot * 0.95))
            .append("\" y1=\"")
            .append(f(ey))
            .append("\" y2=\"")
            .append(f(ey))
            .append("\"/>\n");
      }
      b.append("<text class=\"tick\" text-anchor=\"middle\" x=\"")
          .append(f(x + slot / 2))
          .append("\" y=\"")
          .append(H - BOTTOM + 14)
          .append("\">")
          .append(Html.escape(labels[i]))
          .append("</text>\n");
    }
    return b.append("</svg>\n").toString();
  }

  /**
   * A horizontal scale with the null value as a vertical line, an optional shaded null band, and
   * the observed value with its interval.
   */
  static String interval(
      String id,
      String title,
      String xLabel,
      double nullValue,
      double[] nullBand,
      double observed,
      double[] observedInterval) {
    double lo = Math.min(nullValue, Math.min(observed, observedInterval[0]));
    double hi = Math.max(nullValue, Math.max(observed, observedInterval[1]));
    if (nullBand != null) {
      lo = Math.min(lo, nullBand[0]);
      hi = Math.max(hi, nullBand[1]);
    }
    double pad = Math.max((hi - lo) * 0.15, 1e-3);
    lo = Math.max(0, lo - pad);
    hi = hi + pad;
    StringBuilder b = new StringBuilder();
    b.append("<svg id=\"")
        .append(Html.escape(id))
        .append("\" class=\"chart\" role=\"img\" viewBox=\"0 0 ")
        .append(W)
        .append(" 120\"><title>")
        .append(Html.escape(title))
        .append("</title>\n");
    int y = 50;
    b.append("<line class=\"axis\" x1=\"")
        .append(LEFT)
        .append("\" x2=\"")
        .append(W - RIGHT)
        .append("\" y1=\"90\" y2=\"90\"/>\n");
    for (double t : ticks(lo, hi)) {
      b.append("<text class=\"tick\" text-anchor=\"middle\" x=\"")
          .append(f(px(t, lo, hi)))
          .append("\" y=\"106\">")
          .append(Html.escape(label(t)))
          .append("</text>\n");
    }
    b.append("<text class=\"axis-label\" x=\"")
        .append(W - RIGHT)
        .append("\" y=\"118\" text-anchor=\"end\">")
        .append(Html.escape(xLabel))
        .append("</text>\n");
    if (nullBand != null) {
      double a = px(nullBand[0], lo, hi);
      b.append("<rect class=\"band\" x=\"")
          .append(f(a))
          .append("\" y=\"20\" width=\"")
          .append(f(Math.max(1, px(nullBand[1], lo, hi) - a)))
          .append("\" height=\"70\"/>\n");
    }
    double nx = px(nullValue, lo, hi);
    b.append("<line class=\"null\" x1=\"")
        .append(f(nx))
        .append("\" x2=\"")
        .append(f(nx))
        .append("\" y1=\"14\" y2=\"90\"/>\n");
    b.append("<line class=\"ci\" x1=\"")
        .append(f(px(observedInterval[0], lo, hi)))
        .append("\" x2=\"")
        .append(f(px(observedInterval[1], lo, hi)))
        .append("\" y1=\"")
        .append(y)
        .append("\" y2=\"")
        .append(y)
        .append("\"/>\n");
    b.append("<circle class=\"obs\" r=\"5\" cx=\"")
        .append(f(px(observed, lo, hi)))
        .append("\" cy=\"")
        .append(y)
        .append("\"/>\n");
    return b.append("</svg>\n").toString();
  }

  private static StringBuilder open(String id, String title) {
    StringBuilder b = new StringBuilder();
    b.append("<svg id=\"")
        .append(Html.escape(id))
        .append("\" class=\"chart\" role=\"img\" viewBox=\"0 0 ")
        .append(W)
        .append(' ')
        .append(H)
        .append("\"><title>")
        .append(Html.escape(title))
        .append("</title>\n");
    return b;
  }

  private static void axes(
      StringBuilder b, double x0, double x1, double y0, double y1, String xLabel, String yLabel) {
    b.append("<line class=\"axis\" x1=\"")
        .append(LEFT)
        .append("\" x2=\"")
        .append(W - RIGHT)
        .append("\" y1=\"")
        .append(H - BOTTOM)
        .append("\" y2=\"")
        .append(H - BOTTOM)
        .append("\"/>\n<line class=\"axis\" x1=\"")
        .append(LEFT)
        .append("\" x2=\"")
        .append(LEFT)
        .append("\" y1=\"")
        .append(TOP)
        .append("\" y2=\"")
        .append(H - BOTTOM)
        .append("\"/>\n");
    for (double t : ticks(y0, y1)) {
      b.append("<text class=\"tick\" text-anchor=\"end\" x=\"")
          .append(LEFT - 6)
          .append("\" y=\"")
          .append(f(py(t, y0, y1) + 4))
          .append("\">")
          .append(Html.escape(label(t)))
          .append("</text>\n");
    }
    if (xLabel != null) {
      for (double t : ticks(x0, x1)) {
        b.append("<text class=\"tick\" text-anchor=\"middle\" x=\"")
            .append(f(px(t, x0, x1)))
            .append("\" y=\"")
            .append(H - BOTTOM + 14)
            .append("\">")
            .append(Html.escape(label(t)))
            .append("</text>\n");
      }
      b.append("<text class=\"axis-label\" text-anchor=\"end\" x=\"")
          .append(W - RIGHT)
          .append("\" y=\"")
          .append(H - 8)
          .append("\">")
          .append(Html.escape(xLabel))
          .append("</text>\n");
    }
    b.append("<text class=\"axis-label\" x=\"4\" y=\"10\">")
        .append(Html.escape(yLabel))
        .append("</text>\n");
  }

  /** About five round tick values covering [lo, hi]. */
  static double[] ticks(double lo, double hi) {
    double span = hi - lo;
    double raw = span / 5;
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = mag;
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * mag >= raw) {
        step = m * mag;
        break;
      }
    }
    double first = Math.ceil(lo / step) * step;
    int n = (int) Math.floor((hi - first) / step + 1e-9) + 1;
    double[] t = new double[Math.max(0, n)];
    for (int i = 0; i < t.length; i++) {
      t[i] = first + i * step;
    }
    return t;
  }

  private static String label(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return String.format(Locale.ROOT, "%,d", (long) v);
    }
    return String.format(Locale.ROOT, "%.3g", v);
  }

  private static double px(double x, double x0, double x1) {
    return LEFT + (x - x0) / (x1 - x0) * (W - LEFT - RIGHT);
  }

  private static double py(double y, double y0, double y1) {
    return H - BOTTOM - (y - y0) / (y1 - y0) * (H - TOP - BOTTOM);
  }

  private static String f(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
