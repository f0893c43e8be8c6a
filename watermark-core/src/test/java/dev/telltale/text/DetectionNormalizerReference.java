package dev.telltale.text;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UProperty;
import com.ibm.icu.lang.UScript;
import com.ibm.icu.text.SpoofChecker;
import java.text.Normalizer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link DetectionNormalizer} as it was before its forms were produced together and its loops
 * written over char arrays (commit 91b917e), kept as the reference the faster code must equal.
 */
final class DetectionNormalizerReference {
  private static final SpoofChecker SPOOF = new SpoofChecker.Builder().build();

  /** Confusables skeletons of single non-ASCII letters, computed once each. */
  private static final ConcurrentHashMap<Integer, String> SKELETONS = new ConcurrentHashMap<>();

  /** ASCII letters by their skeleton (several letters share one: "I" and "l" both give "l"). */
  private static final Map<String, String> ASCII_BY_SKELETON = asciiBySkeleton();

  private DetectionNormalizerReference() {}

  private static Map<String, String> asciiBySkeleton() {
    Map<String, String> m = new HashMap<>();
    for (char c = 'A'; c <= 'z'; c++) {
      if (Character.isLetter(c)) {
        m.merge(SPOOF.getSkeleton(String.valueOf(c)), String.valueOf(c), String::concat);
      }
    }
    return Map.copyOf(m);
  }

  /**
   * The ASCII letter a non-ASCII letter is confusable with, or -1: the ASCII letter of the same
   * skeleton, and of the same case where several share it ("I"/"l"). Public so that test attacks
   * draw homoglyphs from exactly the data detection folds.
   */
  public static int asciiPrototype(int cp) {
    if (cp < 0x80 || !Character.isLetter(cp)) {
      return -1;
    }
    String letters = ASCII_BY_SKELETON.get(skeleton(cp));
    if (letters == null) {
      return -1;
    }
    if (letters.length() == 1) {
      return letters.charAt(0);
    }
    boolean upper = UCharacter.isUUppercase(cp);
    for (int i = 0; i < letters.length(); i++) {
      if (Character.isUpperCase(letters.charAt(i)) == upper) {
        return letters.charAt(i);
      }
    }
    return -1;
  }

  private static String skeleton(int cp) {
    return SKELETONS.computeIfAbsent(cp, c -> SPOOF.getSkeleton(new String(Character.toChars(c))));
  }

  /** {@link TextNormalizer#normalize}, then ignorables removed, confusables and spaces folded. */
  public static String normalize(String text) {
    return normalize(text, false);
  }

  /**
   * {@link #normalize}, except that a run of white space holding a line break is kept as it is
   * ({@link NormalForm#HARDENED_LINES}); runs without one still become one space.
   */
  public static String normalizeKeepingLines(String text) {
    return normalize(text, true);
  }

  private static String normalize(String text, boolean keepLines) {
    String s = TextNormalizer.normalize(text);
    if (isPlainAscii(s)) {
      return s;
    }
    s = removeIgnorables(s);
    s = foldConfusables(keepLines ? collapseWhitespaceKeepingLines(s) : collapseWhitespace(s));
    if (!Normalizer.isNormalized(s, Normalizer.Form.NFC)) {
      s = Normalizer.normalize(s, Normalizer.Form.NFC);
    }
    return s.strip();
  }

  // ASCII text without control characters, tabs or doubled spaces is already in normal form.
  private static boolean isPlainAscii(String s) {
    char prev = 'x';
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x7F || c < 0x20 || (c == ' ' && prev == ' ')) {
        return false;
      }
      prev = c;
    }
    return true;
  }

  /** Whether detection drops {@code cp}: a Unicode default-ignorable code point. */
  public static boolean isIgnorable(int cp) {
    // No ASCII code point is default-ignorable (DetectionNormalizerAsciiTest checks against ICU);
    // the ASCII shortcuts below spare ICU's property lookups on the common case.
    return cp >= 0x80 && UCharacter.hasBinaryProperty(cp, UProperty.DEFAULT_IGNORABLE_CODE_POINT);
  }

  /** Unicode White_Space, with ASCII answered without ICU (TAB..CR and SPACE). */
  static boolean isWhiteSpace(int cp) {
    return cp < 0x80 ? cp == ' ' || (cp >= 0x09 && cp <= 0x0D) : UCharacter.isUWhiteSpace(cp);
  }

  /** {@code text} without default-ignorable code points. */
  public static String removeIgnorables(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      if (!isIgnorable(cp)) {
        sb.appendCodePoint(cp);
      }
      i += Character.charCount(cp);
    }
    return sb.toString();
  }

  /** Every run of white space (line breaks, tabs, no-break spaces) becomes a single space. */
  public static String collapseWhitespace(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    boolean inSpace = false;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      if (isWhiteSpace(cp)) {
        if (!inSpace) {
          sb.append(' ');
        }
        inSpace = true;
      } else {
        sb.appendCodePoint(cp);
        inSpace = false;
      }
      i += Character.charCount(cp);
    }
    return sb.toString();
  }

  /**
   * Every run of white space without a line break becomes a single space; a run with one is kept
   * verbatim, so the line tokens a generator chose survive.
   */
  public static String collapseWhitespaceKeepingLines(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    int n = text.length();
    int i = 0;
    while (i < n) {
      int cp = text.codePointAt(i);
      if (!isWhiteSpace(cp)) {
        sb.appendCodePoint(cp);
        i += Character.charCount(cp);
        continue;
      }
      int end = i;
      boolean lineBreak = false;
      while (end < n && isWhiteSpace(text.codePointAt(end))) {
        lineBreak |= NormalForm.isLineBreak(text.codePointAt(end));
        end += Character.charCount(text.codePointAt(end));
      }
      if (lineBreak) {
        sb.append(text, i, end);
      } else {
        sb.append(' ');
      }
      i = end;
    }
    return sb.toString();
  }

  /**
   * Folds look-alike letters to the script of their word: in a word whose letters mostly belong to
   * script S (or, when the word has no script of its own, the text's main script), a letter of
   * another script whose confusables skeleton is made only of letters of S is replaced by that
   * skeleton. A word written wholly in look-alikes of the text's main script (Cyrillic "а" as a
   * word in English text) is folded too. ASCII is never changed.
   */
  public static String foldConfusables(String text) {
    int main = mainScript(text, 0, text.length());
    StringBuilder sb = new StringBuilder(text.length());
    int i = 0;
    int n = text.length();
    while (i < n) {
      int cp = text.codePointAt(i);
      if (!isWordCodePoint(cp)) {
        sb.appendCodePoint(cp);
        i += Character.charCount(cp);
        continue;
      }
      int end = i;
      while (end < n && isWordCodePoint(text.codePointAt(end))) {
        end += Character.charCount(text.codePointAt(end));
      }
      foldWord(text, i, end, main, sb);
      i = end;
    }
    return sb.toString();
  }

  private static void foldWord(String text, int start, int end, int main, StringBuilder sb) {
    if (isAscii(text, start, end)) {
      sb.append(text, start, end); // ASCII is never changed, whatever the word's target script
      return;
    }
    int own = mainScript(text, start, end);
    int target = own == UScript.INVALID_CODE ? main : own;
    if (own != main && main != UScript.INVALID_CODE && foldsWholly(text, start, end, main)) {
      target = main;
    }
    for (int i = start; i < end; ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      String fold = cp < 0x80 || target == UScript.INVALID_CODE ? null : fold(cp, target);
      if (fold == null) {
        sb.appendCodePoint(cp);
      } else {
        sb.append(fold);
      }
    }
  }

  private static boolean foldsWholly(String text, int start, int end, int script) {
    for (int i = start; i < end; ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (cp >= 0x80 && scriptOf(cp) != script && fold(cp, script) == null) {
        return false;
      }
    }
    return true;
  }

  /** The fold of a non-ASCII letter into {@code script}, or null when it has none. */
  private static String fold(int cp, int script) {
    int own = scriptOf(cp);
    if (own == script || !Character.isLetter(cp)) {
      return null;
    }
    if (script == UScript.LATIN) {
      int ascii = asciiPrototype(cp);
      if (ascii >= 0) {
        return String.valueOf((char) ascii);
      }
    }
    String skeleton = skeleton(cp);
    if (skeleton.equals(new String(Character.toChars(cp)))) {
      return null;
    }
    for (int i = 0; i < skeleton.length(); ) {
      int c = skeleton.codePointAt(i);
      i += Character.charCount(c);
      int s = UScript.getScript(c);
      if (s != script && s != UScript.INHERITED) {
        return null;
      }
    }
    return skeleton;
  }

  private static boolean isWordCodePoint(int cp) {
    // ASCII has no non-spacing marks.
    return Character.isLetterOrDigit(cp)
        || (cp >= 0x80 && UCharacter.getType(cp) == UCharacter.NON_SPACING_MARK);
  }

  private static boolean isAscii(String text, int start, int end) {
    for (int i = start; i < end; i++) {
      if (text.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  // Common and Inherited letters (mathematical alphanumerics, marks) have no script of their own.
  private static int scriptOf(int cp) {
    int s = UScript.getScript(cp);
    return s == UScript.COMMON || s == UScript.INHERITED ? UScript.INVALID_CODE : s;
  }

  /** The script most letters of {@code text[start, end)} belong to, or INVALID_CODE if none. */
  private static int mainScript(String text, int start, int end) {
    int best = UScript.INVALID_CODE;
    int bestCount = 0;
    int latin = 0;
    int other = UScript.INVALID_CODE;
    int otherCount = 0;
    // Two counters suffice in practice (Latin and the most recent other script); a word or a text
    // mixing three scripts falls back to whichever of these two dominates.
    for (int i = start; i < end; ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (!Character.isLetter(cp)) {
        continue;
      }
      int s = cp < 0x80 ? UScript.LATIN : scriptOf(cp); // ASCII letters are Latin
      if (s == UScript.INVALID_CODE) {
        continue;
      }
      if (s == UScript.LATIN) {
        latin++;
      } else if (s == other) {
        otherCount++;
      } else if (otherCount == 0) {
        other = s;
        otherCount = 1;
      } else {
        otherCount--;
      }
    }
    if (latin > 0 && latin >= otherCount) {
      best = UScript.LATIN;
      bestCount = latin;
    } else if (otherCount > 0) {
      best = other;
      bestCount = otherCount;
    }
    return bestCount == 0 ? UScript.INVALID_CODE : best;
  }
}
