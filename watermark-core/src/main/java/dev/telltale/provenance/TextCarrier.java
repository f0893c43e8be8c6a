package dev.telltale.provenance;

import dev.telltale.text.TextNormalizer;

/**
 * Carries a token invisibly in the text it covers: U+FEFF, then one Unicode variation selector per
 * byte (0x00..0x0F as U+FE00..U+FE0F, 0x10..0xFF as U+E0100..U+E01EF, the C2PA mapping for
 * unstructured text) of a 5-byte header ({@code 'T' 'L'}, version 1, big-endian 16-bit length)
 * followed by the token. The carrier goes at the end of the text, before any trailing line breaks.
 *
 * <p>Selectors are default-ignorable, so the text renders unchanged; {@link TextNormalizer} drops
 * them, so neither the output digest nor watermark detection sees the carrier. A U+FEFF followed by
 * at least one selector is taken as a carrier; anything else (a byte-order mark, a selector after
 * an emoji) is ordinary text and kept by {@link #strip}.
 */
public final class TextCarrier {
  static final int MAGIC_0 = 'T';
  static final int MAGIC_1 = 'L';
  static final int VERSION = 1;
  static final int HEADER_BYTES = 5;

  /** Largest token a carrier holds. */
  public static final int MAX_TOKEN_BYTES = 0xFFFF;

  private static final int MARK = 0xFEFF;

  private TextCarrier() {}

  /**
   * Returns {@code text} with a carrier of {@code token}. Refuses a text that already carries one
   * (two would make every later verification ambiguous).
   */
  public static String embed(String text, byte[] token) {
    if (token.length == 0 || token.length > MAX_TOKEN_BYTES) {
      throw new IllegalArgumentException(
          "a carried token is 1 to " + MAX_TOKEN_BYTES + " bytes, got " + token.length);
    }
    if (!(extract(text) instanceof CarrierExtraction.None)) {
      throw new IllegalArgumentException("the text already carries a provenance token");
    }
    int cut = text.length();
    while (cut > 0 && (text.charAt(cut - 1) == '\n' || text.charAt(cut - 1) == '\r')) {
      cut--;
    }
    StringBuilder sb = new StringBuilder(text.length() + 2 * (HEADER_BYTES + token.length) + 1);
    sb.append(text, 0, cut).append((char) MARK);
    appendByte(sb, MAGIC_0);
    appendByte(sb, MAGIC_1);
    appendByte(sb, VERSION);
    appendByte(sb, token.length >>> 8);
    appendByte(sb, token.length & 0xff);
    for (byte b : token) {
      appendByte(sb, b & 0xff);
    }
    return sb.append(text, cut, text.length()).toString();
  }

  /** Finds the carrier; never throws, whatever the text. */
  public static CarrierExtraction extract(String text) {
    int count = 0;
    CarrierExtraction first = new CarrierExtraction.None();
    int i = text.indexOf(MARK);
    while (i >= 0) {
      int runStart = i + 1;
      int runEnd = runEnd(text, runStart);
      if (runEnd > runStart) {
        count++;
        if (count == 1) {
          first = decode(text, i, runStart, runEnd);
        }
      }
      i = text.indexOf(MARK, Math.max(runEnd, i + 1));
    }
    return count > 1 ? new CarrierExtraction.Several(count) : first;
  }

  /**
   * Removes every carrier (intact or corrupted); other text, selectors after emoji included, stays.
   */
  public static String strip(String text) {
    int i = text.indexOf(MARK);
    if (i < 0) {
      return text;
    }
    StringBuilder sb = new StringBuilder(text.length());
    int copied = 0;
    while (i >= 0) {
      int runEnd = runEnd(text, i + 1);
      if (runEnd > i + 1) {
        sb.append(text, copied, i);
        copied = runEnd;
      }
      i = text.indexOf(MARK, Math.max(runEnd, i + 1));
    }
    return sb.append(text, copied, text.length()).toString();
  }

  /** Size in UTF-8 bytes of the carrier of a token (selectors are 3 or 4 bytes each). */
  public static int carrierUtf8Bytes(byte[] token) {
    int n = 3; // U+FEFF
    int[] header = {MAGIC_0, MAGIC_1, VERSION, token.length >>> 8, token.length & 0xff};
    for (int b : header) {
      n += b < 0x10 ? 3 : 4;
    }
    for (byte b : token) {
      n += (b & 0xff) < 0x10 ? 3 : 4;
    }
    return n;
  }

  private static CarrierExtraction decode(String text, int mark, int runStart, int runEnd) {
    byte[] bytes = new byte[runEnd - runStart];
    int n = 0;
    for (int i = runStart; i < runEnd; ) {
      int cp = text.codePointAt(i);
      bytes[n++] = (byte) selectorByte(cp);
      i += Character.charCount(cp);
    }
    if (n < HEADER_BYTES) {
      return new CarrierExtraction.Corrupted("carrier shorter than its header");
    }
    if ((bytes[0] & 0xff) != MAGIC_0 || (bytes[1] & 0xff) != MAGIC_1) {
      return new CarrierExtraction.Corrupted("carrier header has the wrong magic");
    }
    if ((bytes[2] & 0xff) != VERSION) {
      return new CarrierExtraction.Corrupted("carrier version " + (bytes[2] & 0xff) + " unknown");
    }
    int length = ((bytes[3] & 0xff) << 8) | (bytes[4] & 0xff);
    if (length != n - HEADER_BYTES) {
      return new CarrierExtraction.Corrupted(
          "carrier announces " + length + " bytes but holds " + (n - HEADER_BYTES));
    }
    byte[] token = new byte[length];
    System.arraycopy(bytes, HEADER_BYTES, token, 0, length);
    return new CarrierExtraction.Found(token, mark, runEnd);
  }

  /** End (exclusive) of the run of variation selectors starting at {@code from}. */
  private static int runEnd(String text, int from) {
    int i = from;
    while (i < text.length()) {
      int cp = text.codePointAt(i);
      if (cp == MARK || !TextNormalizer.isCarrierCodePoint(cp)) {
        break;
      }
      i += Character.charCount(cp);
    }
    return i;
  }

  private static void appendByte(StringBuilder sb, int b) {
    if (b < 0x10) {
      sb.append((char) (0xFE00 + b));
    } else {
      sb.appendCodePoint(0xE0100 + b - 0x10);
    }
  }

  private static int selectorByte(int cp) {
    return cp <= 0xFE0F ? cp - 0xFE00 : cp - 0xE0100 + 0x10;
  }
}
