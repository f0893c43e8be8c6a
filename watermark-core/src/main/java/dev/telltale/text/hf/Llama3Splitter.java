package dev.telltale.text.hf;

import java.util.List;

/**
 * A hand-written matcher for the pre-tokenizer regex of Llama 3 (the cl100k_base pattern) and of
 * Qwen 2/3 (the same with single digits), used instead of {@link java.util.regex} when a {@code
 * Split} step's regex is exactly one of them, and by the built-in cl100k_base encoding; it gives
 * the same pieces (checked against the regex, the Hugging Face library and jtokkit in tests)
 * several times faster:
 *
 * <pre>(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|
 * \s*[\r\n]+|\s+(?!\S)|\s+</pre>
 */
public final class Llama3Splitter implements PreTokenizers.Step {
  static final String LLAMA3 =
      "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}|"
          + " ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
  static final String QWEN =
      "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}|"
          + " ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

  private static final byte OTHER = 0;
  private static final byte LETTER = 1;
  private static final byte DIGIT = 2;
  private static final byte SPACE = 3;
  private static final byte NEWLINE = 4;

  /** The pattern's class of each ASCII character, from the general predicates. */
  private static final byte[] CLASS = new byte[128];

  static {
    for (int c = 0; c < 128; c++) {
      CLASS[c] =
          c == '\r' || c == '\n'
              ? NEWLINE
              : Llama3Splitter.isLetter(c)
                  ? LETTER
                  : Llama3Splitter.isNumber(c) ? DIGIT : Llama3Splitter.isSpace(c) ? SPACE : OTHER;
    }
  }

  private final int maxDigits;

  private Llama3Splitter(int maxDigits) {
    this.maxDigits = maxDigits;
  }

  /** The matcher of the cl100k_base pattern (Llama 3's). */
  public static Llama3Splitter cl100k() {
    return new Llama3Splitter(3);
  }

  /** The matcher for {@code regex}, or null if it is not one of the two patterns. */
  static Llama3Splitter forRegex(String regex) {
    if (regex.equals(LLAMA3)) {
      return new Llama3Splitter(3);
    }
    if (regex.equals(QWEN)) {
      return new Llama3Splitter(1);
    }
    return null;
  }

  @Override
  public void split(String s, List<String> out) {
    int i = 0;
    int n = s.length();
    while (i < n) {
      int end = matchAt(s, i, n);
      out.add(s.substring(i, end));
      i = end;
    }
  }

  /**
   * End of the regex's match starting at {@code i} in {@code s[0, n)} (every position starts a
   * match).
   */
  public int matchAt(String s, int i, int n) {
    int end = asciiMatchAt(s, i, n);
    return end > i ? end : generalMatchAt(s, i, n);
  }

  /**
   * {@link #matchAt} for a match that reads only ASCII characters, with the character classes in a
   * table and no code point decoding; -1 as soon as it would read a character outside ASCII, where
   * the general matcher decides. It follows the general matcher's steps one by one.
   */
  public int asciiMatchAt(String s, int i, int n) {
    char c = s.charAt(i);
    if (c >= 0x80) {
      return -1;
    }
    int next = i + 1;
    // 1. contractions
    if (c == '\'' && next < n) {
      char d = s.charAt(next);
      if (d >= 0x80) {
        return -1;
      }
      char lower = (char) (CLASS[d] == LETTER ? d | 0x20 : d);
      if (lower == 's' || lower == 't' || lower == 'm' || lower == 'd') {
        return next + 1;
      }
      if (next + 1 < n && (lower == 'r' || lower == 'v' || lower == 'l')) {
        char e = s.charAt(next + 1);
        if (e >= 0x80) {
          return -1;
        }
        char second = (char) (CLASS[e] == LETTER ? e | 0x20 : e);
        if ((lower == 'r' && second == 'e')
            || (lower == 'v' && second == 'e')
            || (lower == 'l' && second == 'l')) {
          return next + 2;
        }
      }
    }
    byte k = CLASS[c];
    // 2. an optional non-letter, non-digit, non-newline, then letters
    if (k == LETTER) {
      return asciiLetters(s, next, n);
    }
    if (k != NEWLINE && k != DIGIT && next < n) {
      char d = s.charAt(next);
      if (d >= 0x80) {
        return -1;
      }
      if (CLASS[d] == LETTER) {
        return asciiLetters(s, next, n);
      }
    }
    // 3. digits, up to maxDigits
    if (k == DIGIT) {
      int end = next;
      for (int m = 1; m < maxDigits && end < n; m++, end++) {
        char d = s.charAt(end);
        if (d >= 0x80) {
          return -1;
        }
        if (CLASS[d] != DIGIT) {
          break;
        }
      }
      return end;
    }
    // 4. an optional space, then punctuation and symbols, then newlines
    int start = i;
    if (c == ' ' && next < n) {
      char d = s.charAt(next);
      if (d >= 0x80) {
        return -1;
      }
      if (CLASS[d] == OTHER) {
        start = next;
      }
    }
    if (CLASS[s.charAt(start)] == OTHER) {
      int end = start + 1;
      for (; end < n; end++) {
        char d = s.charAt(end);
        if (d >= 0x80) {
          return -1;
        }
        if (CLASS[d] != OTHER) {
          break;
        }
      }
      while (end < n && (s.charAt(end) == '\r' || s.charAt(end) == '\n')) {
        end++;
      }
      return end;
    }
    // c is white space: find the run
    int runEnd = next;
    int lastNewline = k == NEWLINE ? i : -1;
    for (; runEnd < n; runEnd++) {
      char d = s.charAt(runEnd);
      if (d >= 0x80) {
        return -1;
      }
      byte dk = CLASS[d];
      if (dk == NEWLINE) {
        lastNewline = runEnd;
      } else if (dk != SPACE) {
        break;
      }
    }
    // 5. white space up to the last newline of the run
    if (lastNewline >= 0) {
      return lastNewline + 1;
    }
    // 6. white space not followed by a non-space: all of it at the end, else all but the last
    if (runEnd == n) {
      return runEnd;
    }
    return runEnd - 1 > i ? runEnd - 1 : runEnd;
  }

  private static int asciiLetters(String s, int from, int n) {
    int end = from;
    for (; end < n; end++) {
      char d = s.charAt(end);
      if (d >= 0x80) {
        return -1;
      }
      if (CLASS[d] != LETTER) {
        break;
      }
    }
    return end;
  }

  /** {@link #matchAt} on code points, any text. */
  public int generalMatchAt(String s, int i, int n) {
    int cp = s.codePointAt(i);
    int next = i + Character.charCount(cp);
    // 1. contractions
    if (cp == '\'' && next < n) {
      char c = s.charAt(next);
      char lower = Character.toLowerCase(c);
      if (lower == 's' || c == '\u017F' || lower == 't' || lower == 'm' || lower == 'd') {
        return next + 1;
      }
      if (next + 1 < n) {
        char d = Character.toLowerCase(s.charAt(next + 1));
        if ((lower == 'r' && d == 'e')
            || (lower == 'v' && d == 'e')
            || (lower == 'l' && d == 'l')) {
          return next + 2;
        }
      }
    }
    // 2. an optional non-letter, non-digit, non-newline, then letters
    if (isLetter(cp)) {
      return letters(s, next, n);
    }
    if (cp != '\r' && cp != '\n' && !isNumber(cp) && next < n && isLetter(s.codePointAt(next))) {
      return letters(s, next, n);
    }
    // 3. digits
    if (isNumber(cp)) {
      int end = next;
      for (int k = 1; k < maxDigits && end < n; k++) {
        int c = s.codePointAt(end);
        if (!isNumber(c)) {
          break;
        }
        end += Character.charCount(c);
      }
      return end;
    }
    // 4. an optional space, then punctuation and symbols, then newlines
    int start = cp == ' ' && next < n && isOther(s.codePointAt(next)) ? next : i;
    if (isOther(s.codePointAt(start))) {
      int end = start;
      while (end < n) {
        int c = s.codePointAt(end);
        if (!isOther(c)) {
          break;
        }
        end += Character.charCount(c);
      }
      while (end < n && (s.charAt(end) == '\r' || s.charAt(end) == '\n')) {
        end++;
      }
      return end;
    }
    // cp is whitespace: find the run
    int runEnd = next;
    int lastNewline = cp == '\r' || cp == '\n' ? i : -1;
    while (runEnd < n) {
      int c = s.codePointAt(runEnd);
      if (!isSpace(c)) {
        break;
      }
      if (c == '\r' || c == '\n') {
        lastNewline = runEnd;
      }
      runEnd += Character.charCount(c);
    }
    // 5. whitespace up to the last newline of the run
    if (lastNewline >= 0) {
      return lastNewline + 1;
    }
    // 6. whitespace not followed by a non-space: all of it at the end, else all but the last
    if (runEnd == n) {
      return runEnd;
    }
    int last = runEnd - Character.charCount(s.codePointBefore(runEnd));
    if (last > i) {
      return last;
    }
    // 7. whitespace
    return runEnd;
  }

  private static int letters(String s, int from, int n) {
    int end = from;
    while (end < n) {
      int c = s.codePointAt(end);
      if (!isLetter(c)) {
        break;
      }
      end += Character.charCount(c);
    }
    return end;
  }

  public static boolean isLetter(int cp) {
    if (cp < 0x80) {
      return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
    }
    return Character.isLetter(cp);
  }

  public static boolean isNumber(int cp) {
    if (cp < 0x80) {
      return cp >= '0' && cp <= '9';
    }
    int t = Character.getType(cp);
    return t == Character.DECIMAL_DIGIT_NUMBER
        || t == Character.LETTER_NUMBER
        || t == Character.OTHER_NUMBER;
  }

  /** Unicode White_Space, as {@code \s} with UNICODE_CHARACTER_CLASS and in Oniguruma. */
  public static boolean isSpace(int cp) {
    return (cp >= 0x09 && cp <= 0x0D)
        || cp == 0x20
        || cp == 0x85
        || cp == 0xA0
        || cp == 0x1680
        || (cp >= 0x2000 && cp <= 0x200A)
        || cp == 0x2028
        || cp == 0x2029
        || cp == 0x202F
        || cp == 0x205F
        || cp == 0x3000;
  }

  private static boolean isOther(int cp) {
    return !isSpace(cp) && !isLetter(cp) && !isNumber(cp);
  }
}
