package dev.telltale.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Canonical JSON in the manner of RFC 8785 (JCS): object members sorted by their UTF-16 code units,
 * no insignificant whitespace, strings with only the mandatory escapes, numbers in ECMAScript's
 * shortest round-trip form ({@code 1}, {@code 0.25}, {@code 1e-300}). Restriction: numbers must be
 * finite and integers must fit in a {@code long}; integers beyond 2^53 are written exactly (JCS
 * would round them through a double), which no Telltale field produces.
 */
public final class CanonicalJson {
  private CanonicalJson() {}

  /** The canonical UTF-8 bytes of {@code node}. */
  public static byte[] bytes(JsonNode node) {
    return string(node).getBytes(StandardCharsets.UTF_8);
  }

  /** The canonical text of {@code node}. */
  public static String string(JsonNode node) {
    StringBuilder sb = new StringBuilder(256);
    write(node, sb);
    return sb.toString();
  }

  private static void write(JsonNode n, StringBuilder sb) {
    switch (n.getNodeType()) {
      case OBJECT -> {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
          names.add(it.next());
        }
        // String.compareTo compares UTF-16 code units, as RFC 8785 §3.2.3 requires.
        names.sort(String::compareTo);
        sb.append('{');
        for (int i = 0; i < names.size(); i++) {
          if (i > 0) {
            sb.append(',');
          }
          string(names.get(i), sb);
          sb.append(':');
          write(n.get(names.get(i)), sb);
        }
        sb.append('}');
      }
      case ARRAY -> {
        sb.append('[');
        for (int i = 0; i < n.size(); i++) {
          if (i > 0) {
            sb.append(',');
          }
          write(n.get(i), sb);
        }
        sb.append(']');
      }
      case STRING -> string(n.textValue(), sb);
      case BOOLEAN -> sb.append(n.booleanValue() ? "true" : "false");
      case NULL -> sb.append("null");
      case NUMBER -> {
        if (n.isIntegralNumber()) {
          if (!n.canConvertToLong()) {
            throw new IllegalArgumentException("integer out of the long range: " + n);
          }
          sb.append(n.longValue());
        } else {
          sb.append(number(n.doubleValue()));
        }
      }
      default ->
          throw new IllegalArgumentException(
              "canonical JSON has no form for a " + n.getNodeType() + " node");
    }
  }

  private static void string(String s, StringBuilder sb) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  /**
   * ECMAScript's Number::toString: the fewest significant digits that read back as {@code d} (the
   * closest such decimal when several have that length), plain notation for exponents in [-7, 21),
   * otherwise {@code d.ddde±x}. Java 17's {@code Double.toString} is not always shortest, hence the
   * explicit search.
   */
  static String number(double d) {
    if (!Double.isFinite(d)) {
      throw new IllegalArgumentException("canonical JSON has no form for " + d);
    }
    if (d == 0) {
      return "0";
    }
    String sign = d < 0 ? "-" : "";
    BigDecimal exact = new BigDecimal(Math.abs(d));
    BigDecimal best = null;
    for (int p = 1; p <= 17 && best == null; p++) {
      for (RoundingMode mode : new RoundingMode[] {RoundingMode.FLOOR, RoundingMode.CEILING}) {
        BigDecimal c = exact.round(new MathContext(p, mode));
        if (c.doubleValue() == Math.abs(d)
            && (best == null
                || c.subtract(exact).abs().compareTo(best.subtract(exact).abs()) < 0)) {
          best = c;
        }
      }
    }
    BigDecimal s = best.stripTrailingZeros();
    String digits = s.unscaledValue().toString();
    int k = digits.length();
    int n = k - s.scale(); // value = 0.digits × 10^n
    StringBuilder out = new StringBuilder(sign);
    if (k <= n && n <= 21) {
      out.append(digits).append("0".repeat(n - k));
    } else if (0 < n && n <= 21) {
      out.append(digits, 0, n).append('.').append(digits, n, k);
    } else if (-6 < n && n <= 0) {
      out.append("0.").append("0".repeat(-n)).append(digits);
    } else {
      out.append(digits.charAt(0));
      if (k > 1) {
        out.append('.').append(digits, 1, k);
      }
      int e = n - 1;
      out.append('e').append(e < 0 ? "-" : "+").append(Math.abs(e));
    }
    return out.toString();
  }
}
