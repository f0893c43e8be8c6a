package dev.telltale.text;

import java.text.Normalizer;

/**
 * Brings text to the form detection and provenance digests see: provenance carrier characters
 * removed (U+FEFF, variation selectors U+FE00..U+FE0F and U+E0100..U+E01EF), line endings as LF,
 * Unicode NFC, surrounding whitespace trimmed.
 */
public final class TextNormalizer {
  private TextNormalizer() {}

  public static String normalize(String text) {
    String s = stripCarrier(text);
    if (s.indexOf('\r') >= 0) {
      s = s.replace("\r\n", "\n").replace('\r', '\n');
    }
    if (!Normalizer.isNormalized(s, Normalizer.Form.NFC)) {
      s = Normalizer.normalize(s, Normalizer.Form.NFC);
    }
    return s.strip();
  }

  /** Whether {@code cp} is a character the invisible provenance carrier uses. */
  public static boolean isCarrierCodePoint(int cp) {
    return cp == 0xFEFF || (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF);
  }

  /** Removes carrier code points; returns {@code text} itself when it has none. */
  public static String stripCarrier(String text) {
    int n = text.length();
    int i = 0;
    while (i < n) {
      // Every carrier code point is U+FE00 or above, or a surrogate pair (from U+D800): the chars
      // below U+D800, nearly all of a text, are passed over with one compare.
      if (text.charAt(i) < 0xD800) {
        i++;
        continue;
      }
      int cp = text.codePointAt(i);
      if (isCarrierCodePoint(cp)) {
        break;
      }
      i += Character.charCount(cp);
    }
    if (i == n) {
      return text;
    }
    StringBuilder sb = new StringBuilder(n);
    sb.append(text, 0, i);
    while (i < n) {
      int cp = text.codePointAt(i);
      if (!isCarrierCodePoint(cp)) {
        sb.appendCodePoint(cp);
      }
      i += Character.charCount(cp);
    }
    return sb.toString();
  }
}
