package dev.telltale.key;

import java.security.SecureRandom;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Public identifier of a key: 1 to 64 characters from {@code [A-Za-z0-9._-]}. */
public record KeyId(String value) implements Comparable<KeyId> {
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  public KeyId {
    if (value == null || !VALID.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "key id must be 1 to 64 characters of [A-Za-z0-9._-], got "
              + (value == null ? "null" : "'" + printable(value) + "'"));
    }
  }

  public static KeyId of(String value) {
    return new KeyId(value);
  }

  /**
   * A fresh id {@code PREFIX + yyyyMMdd + "-" + 6 hex digits}, e.g. {@code wm-20261123-3fa2c1}:
   * sortable by creation day, and random enough that two keys made the same day do not collide.
   */
  public static KeyId generate(String prefix, SecureRandom random) {
    byte[] r = new byte[3];
    random.nextBytes(r);
    return new KeyId(
        prefix
            + LocalDate.now(ZoneOffset.UTC).format(DateTimeFormatter.BASIC_ISO_DATE)
            + "-"
            + HexFormat.of().formatHex(r));
  }

  private static String printable(String s) {
    String cut = s.length() > 70 ? s.substring(0, 70) + "…" : s;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }

  @Override
  public int compareTo(KeyId o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
