package dev.telltale.text;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UProperty;
import com.ibm.icu.lang.UScript;
import com.ibm.icu.text.SpoofChecker;
import dev.telltale.collect.ThreadScratch;
import java.text.Normalizer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The normal form detection re-tokenizes, stricter than {@link TextNormalizer}'s (which provenance
 * digests keep): on top of it, default-ignorable code points are removed (zero-width space and
 * joiners, word joiner, soft hyphen, bidi marks, tag characters, variation selectors), look-alike
 * letters from another script are folded back to the script of the word they sit in (Unicode
 * confusables data, through ICU4J's {@link SpoofChecker} skeletons), and every run of whitespace
 * becomes one space.
 *
 * <p>The fold is a fixed function of the text that never looks at a key, so a detection p-value on
 * the folded text stays exact under the null; only one normal form is tested, so no correction is
 * needed. Genuine text loses little: a watermarked generation in one script is unchanged except
 * where it had line breaks or repeated spaces.
 */
public final class DetectionNormalizer {
  private static final SpoofChecker SPOOF = new SpoofChecker.Builder().build();

  /** Confusables skeletons of single non-ASCII letters, computed once each. */
  private static final ConcurrentHashMap<Integer, String> SKELETONS = new ConcurrentHashMap<>();

  /** ASCII letters by their skeleton (several letters share one: "I" and "l" both give "l"). */
  private static final Map<String, String> ASCII_BY_SKELETON = asciiBySkeleton();

  /** ASCII white space (TAB..CR and SPACE), and ASCII letters, by char. */
  private static final boolean[] ASCII_WHITE_SPACE = new boolean[0x80];

  private static final int[] ASCII_LETTER = new int[0x80];

  static {
    for (char c = 0; c < 0x80; c++) {
      ASCII_WHITE_SPACE[c] = isWhiteSpace(c);
      ASCII_LETTER[c] = Character.isLetter(c) ? 1 : 0;
    }
  }

  private DetectionNormalizer() {}

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
    return hardenedForms(TextNormalizer.normalize(text))[keepLines ? 1 : 0];
  }

  /**
   * {@link NormalForm#HARDENED} and {@link NormalForm#HARDENED_LINES} (in this order) of a text
   * whose {@link NormalForm#BASIC} form is {@code basic}, sharing the work: the same as {@link
   * #normalize} and {@link #normalizeKeepingLines} of that text. An element is {@code basic} itself
   * when the form leaves it unchanged.
   *
   * <p>Ignorables are removed and confusables folded once, before the white space is collapsed
   * either way: folding commutes with collapsing, since white space is never part of a word, a fold
   * never yields white space, and collapsing keeps at least one space between two words and leaves
   * every letter (hence the text's main script) as it is.
   */
  public static String[] hardenedForms(String basic) {
    if (isPlainAscii(basic)) {
      return new String[] {basic, basic};
    }
    String s = basic;
    boolean ascii = isAscii(s, 0, s.length());
    if (!ascii) {
      s = foldConfusables(removeIgnorables(s));
    }
    // basic is in NFC, and so are its collapsed forms while nothing was removed or folded: the
    // collapse keeps every other character, replaces a white-space run (starters, which block
    // composition, and none of which composes canonically) by a space or keeps it, and strip()
    // cuts only the ends. ASCII text is in NFC, and stays ASCII through the collapse.
    boolean nfc = ascii || s == basic;
    String[] out = collapseBothWays(s);
    for (int k = 0; k < 2; k++) {
      String f = out[k];
      if (!nfc && !Normalizer.isNormalized(f, Normalizer.Form.NFC)) {
        f = Normalizer.normalize(f, Normalizer.Form.NFC);
      }
      f = f.strip();
      out[k] = f.equals(basic) ? basic : f;
    }
    return out;
  }

  /**
   * {@code text} with white space collapsed both ways, in one pass: every run of white space (line
   * breaks, tabs, no-break spaces) as a single space; and every run without a line break as a
   * single space, a run with one kept verbatim (so the line tokens a generator chose survive). An
   * element is {@code text} itself when it is unchanged.
   */
  static String[] collapseBothWays(String text) {
    int n = text.length();
    // The text and the forms are built in this thread's buffers; a form's buffer is filled from its
    // first change on, until then the form is the text so far, and its length the position in it.
    char[] c = buffer(0, n);
    text.getChars(0, n, c, 0);
    char[][] buffers = BUFFERS.get();
    buffer(1, n);
    buffer(2, n);
    char[] spaces = null;
    char[] lines = null;
    int ns = 0;
    int nl = 0;
    int i = 0;
    while (i < n) {
      int from = i;
      // What both forms keep as it is: non-white-space and single spaces between such characters
      // (c[from] is never white space, so a space reached here follows a character that is not).
      while (i < n) {
        char ch = c[i];
        if (ch > ' ' && ch < 0x80) {
          i++; // printable ASCII: never white space, the common case
        } else if (ch < 0x80 ? !ASCII_WHITE_SPACE[ch] : !isWhiteSpaceAt(c, i, n)) {
          i++; // a surrogate is never white space
        } else if (ch == ' ' && (i + 1 == n || !isWhiteSpaceAt(c, i + 1, n))) {
          i++;
        } else {
          break;
        }
      }
      if (spaces != null) {
        System.arraycopy(c, from, spaces, ns, i - from);
      }
      if (lines != null) {
        System.arraycopy(c, from, lines, nl, i - from);
      }
      ns += i - from;
      nl += i - from;
      if (i == n) {
        break;
      }
      // White space is in the BMP: one char per code point.
      int end = i;
      boolean lineBreak = false;
      while (end < n && isWhiteSpaceAt(c, end, n)) {
        char e = c[end];
        lineBreak |= e < 0x80 ? e == '\n' || e == 0x0B || e == 0x0C : NormalForm.isLineBreak(e);
        end++;
      }
      boolean single = end == i + 1 && c[i] == ' ';
      if (!single && spaces == null) {
        spaces = buffers[1];
        System.arraycopy(c, 0, spaces, 0, ns); // the text so far
      }
      if (spaces != null) {
        spaces[ns] = ' ';
      }
      ns++;
      if (lineBreak) {
        if (lines != null) {
          System.arraycopy(c, i, lines, nl, end - i);
        }
        nl += end - i;
      } else {
        if (!single && lines == null) {
          lines = buffers[2];
          System.arraycopy(c, 0, lines, 0, nl);
        }
        if (lines != null) {
          lines[nl] = ' ';
        }
        nl++;
      }
      i = end;
    }
    String[] out = {
      spaces != null ? new String(spaces, 0, ns) : text,
      lines != null ? new String(lines, 0, nl) : text
    };
    releaseBuffers();
    return out;
  }

  // This thread's character buffers: the collapse's text and two forms, and the fold's text.
  private static final int FOLD_BUFFER = 3;
  private static final int MAIN_NOT_YET = Integer.MIN_VALUE;
  private static final ThreadLocal<char[][]> BUFFERS =
      ThreadLocal.withInitial(
          () -> new char[][] {new char[1024], new char[1024], new char[1024], new char[1024]});

  private static char[] buffer(int k, int length) {
    char[][] buffers = BUFFERS.get();
    if (buffers[k].length < length) {
      buffers[k] = new char[Math.max(length, 2 * buffers[k].length)];
    }
    return buffers[k];
  }

  /** Lets go of the buffers a huge text grew. */
  private static void releaseBuffers() {
    char[][] buffers = BUFFERS.get();
    for (int k = 0; k < buffers.length; k++) {
      if (buffers[k].length > ThreadScratch.KEPT) {
        buffers[k] = new char[1024];
      }
    }
  }

  private static boolean isWhiteSpaceAt(char[] c, int i, int n) {
    char ch = c[i];
    if (ch < 0x80) {
      return ASCII_WHITE_SPACE[ch];
    }
    return !Character.isSurrogate(ch) && UCharacter.isUWhiteSpace(ch);
  }

  // ASCII text without control characters, tabs or doubled spaces is already in normal form.
  private static boolean isPlainAscii(String s) {
    char prev = 'x';
    int n = s.length();
    for (int i = 0; i < n; i++) {
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

  /** {@code text} without default-ignorable code points; {@code text} itself if it has none. */
  public static String removeIgnorables(String text) {
    int first = 0;
    int length = text.length();
    while (first < length) {
      char ch = text.charAt(first);
      if (ch >= 0x80 && isIgnorable(text.codePointAt(first))) {
        break;
      }
      first++; // a low surrogate alone is never ignorable: stepping by char is safe
    }
    if (first == length) {
      return text;
    }
    char[] c = text.toCharArray();
    int n = c.length;
    int w = first; // c[0, first) stays as it is
    int i = first;
    while (i < n) {
      while (i < n && c[i] < 0x80) {
        c[w++] = c[i++];
      }
      if (i == n) {
        break;
      }
      int cp = Character.codePointAt(c, i, n);
      int len = Character.charCount(cp);
      if (!isIgnorable(cp)) {
        for (int k = 0; k < len; k++) {
          c[w++] = c[i + k];
        }
      }
      i += len;
    }
    return w == n ? text : new String(c, 0, w);
  }

  /**
   * Folds look-alike letters to the script of their word: in a word whose letters mostly belong to
   * script S (or, when the word has no script of its own, the text's main script), a letter of
   * another script whose confusables skeleton is made only of letters of S is replaced by that
   * skeleton. A word written wholly in look-alikes of the text's main script (Cyrillic "а" as a
   * word in English text) is folded too. ASCII is never changed.
   */
  public static String foldConfusables(String text) {
    int n = text.length();
    char[] c = buffer(FOLD_BUFFER, n); // this thread's copy of the text
    text.getChars(0, n, c, 0);
    int main = MAIN_NOT_YET; // the text's main script, found at the first word that needs it
    StringBuilder sb = null;
    StringBuilder word = null;
    int copied = 0;
    int i = 0;
    // Only a word holding a non-ASCII code point can change: find each such word from that code
    // point and leave the text between them as it is.
    while (i < n) {
      while (i < n && c[i] < 0x80) {
        i++;
      }
      if (i == n) {
        break;
      }
      int cp = Character.codePointAt(c, i, n);
      if (!isWordCodePoint(cp)) {
        i += Character.charCount(cp);
        continue;
      }
      int start = i;
      while (start > 0 && isWordCodePoint(Character.codePointBefore(c, start))) {
        start -= Character.charCount(Character.codePointBefore(c, start));
      }
      int end = i;
      while (end < n && isWordCodePoint(Character.codePointAt(c, end, n))) {
        end += Character.charCount(Character.codePointAt(c, end, n));
      }
      if (word == null) {
        word = new StringBuilder();
      }
      word.setLength(0);
      if (main == MAIN_NOT_YET) {
        main = mainScript(c, 0, n);
      }
      foldWord(text, c, start, end, main, word);
      if (!sameChars(word, text, start, end)) {
        if (sb == null) {
          sb = new StringBuilder(n + 16);
        }
        sb.append(c, copied, start - copied).append(word);
        copied = end;
      }
      i = end;
    }
    String folded = sb == null ? text : sb.append(c, copied, n - copied).toString();
    releaseBuffers();
    return folded;
  }

  private static boolean sameChars(CharSequence a, String text, int start, int end) {
    if (a.length() != end - start) {
      return false;
    }
    for (int k = 0; k < a.length(); k++) {
      if (a.charAt(k) != text.charAt(start + k)) {
        return false;
      }
    }
    return true;
  }

  private static void foldWord(
      String text, char[] chars, int start, int end, int main, StringBuilder sb) {
    if (isAscii(text, start, end)) {
      sb.append(text, start, end); // ASCII is never changed, whatever the word's target script
      return;
    }
    int own = mainScript(chars, start, end);
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
  private static int mainScript(char[] text, int start, int end) {
    int best = UScript.INVALID_CODE;
    int bestCount = 0;
    int latin = 0;
    int other = UScript.INVALID_CODE;
    int otherCount = 0;
    // Two counters suffice in practice (Latin and the most recent other script); a word or a text
    // mixing three scripts falls back to whichever of these two dominates.
    for (int i = start; i < end; ) {
      // ASCII letters are Latin; they only add to the Latin count, whatever the order.
      char c;
      while (i < end && (c = text[i]) < 0x80) {
        latin += ASCII_LETTER[c];
        i++;
      }
      if (i == end) {
        break;
      }
      int cp = Character.codePointAt(text, i, end);
      i += Character.charCount(cp);
      if (!Character.isLetter(cp)) {
        continue;
      }
      int s = scriptOf(cp);
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
