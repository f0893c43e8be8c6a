package dev.telltale.evidence.report;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small HTML builder for the report: every piece of data goes through {@link #text} or {@link
 * #attr}, which escape it, so hostile text (a {@code </script>}, quotes, bidi overrides) stays
 * text. Markup is appended only from literals in this package.
 */
final class Html {
  private static final Pattern POWER = Pattern.compile("10\\^(-?\\d+)");

  private final StringBuilder out = new StringBuilder(1 << 16);

  /** Appends markup written in this package (never data). */
  Html raw(String markup) {
    out.append(markup);
    return this;
  }

  /** Appends escaped text. */
  Html text(String s) {
    out.append(escape(s));
    return this;
  }

  /** Appends escaped text in which {@code 10^N} is shown as a power of ten. */
  Html textWithPowers(String s) {
    out.append(powers(escape(s)));
    return this;
  }

  /** Appends {@code <tag class="cls">escaped text</tag>}. */
  Html el(String tag, String cls, String s) {
    out.append('<').append(tag);
    if (cls != null) {
      out.append(" class=\"").append(escape(cls)).append('"');
    }
    out.append('>').append(escape(s)).append("</").append(tag).append('>');
    return this;
  }

  /** A table row of header and escaped value, the value isolated from the surrounding bidi. */
  Html row(String header, String value) {
    out.append("<tr><th>")
        .append(escape(header))
        .append("</th><td><bdi>")
        .append(escape(value))
        .append("</bdi></td></tr>\n");
    return this;
  }

  /** Like {@link #row}, with {@code 10^N} in the value shown as a power of ten. */
  Html rowWithPowers(String header, String value) {
    out.append("<tr><th>")
        .append(escape(header))
        .append("</th><td><bdi>")
        .append(powers(escape(value)))
        .append("</bdi></td></tr>\n");
    return this;
  }

  @Override
  public String toString() {
    return out.toString();
  }

  /**
   * Escapes for text and for double- or single-quoted attribute values alike. Control characters
   * other than tab, newline and carriage return are shown as U+FFFD: HTML forbids them.
   */
  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> {
          if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7f && c < 0xa0)) {
            b.append('\uFFFD');
          } else if (Character.isHighSurrogate(c)
              && i + 1 < s.length()
              && Character.isLowSurrogate(s.charAt(i + 1))) {
            b.append(c).append(s.charAt(++i));
          } else if (Character.isSurrogate(c)) {
            b.append('\uFFFD');
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }

  /** Turns {@code 10^N} in already escaped text into {@code 10<sup>N</sup>}. */
  static String powers(String escaped) {
    Matcher m = POWER.matcher(escaped);
    return m.replaceAll(r -> "10<sup>" + r.group(1).replace("-", "\u2212") + "</sup>");
  }

  /** A number for people: fixed digits, root locale. */
  static String num(double v, int digits) {
    return String.format(Locale.ROOT, "%." + digits + "f", v);
  }

  /**
   * A significance level as people write it: {@code 0.01}, {@code 10^-6}, {@code 5 × 10^-8} (to be
   * shown through {@link #textWithPowers}).
   */
  static String level(double v) {
    if (v >= 1e-3) {
      return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
    int e = (int) Math.floor(Math.log10(v));
    double m = v / Math.pow(10, e);
    if (m > 9.9995) {
      m = 1;
      e++;
    }
    String ms =
        java.math.BigDecimal.valueOf(m)
            .round(new java.math.MathContext(4))
            .stripTrailingZeros()
            .toPlainString();
    return ("1".equals(ms) ? "" : ms + " \u00d7 ") + "10^" + e;
  }

  /** A count with thousands separators. */
  static String count(long v) {
    return String.format(Locale.ROOT, "%,d", v);
  }
}
