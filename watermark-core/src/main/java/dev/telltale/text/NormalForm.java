package dev.telltale.text;

import com.ibm.icu.lang.UCharacter;
import java.util.Locale;
import java.util.Optional;

/**
 * One of the fixed, key-independent forms of a text that detection re-tokenizes. Each is a function
 * of the text alone, so the p-value of any one form is exact under the null; detection that tries
 * several takes the smallest and corrects it for the number tried ({@code KeySetDetector}).
 *
 * <ul>
 *   <li>{@link #BASIC}: the text as given ({@link TextNormalizer}: carrier characters removed, line
 *       endings as LF, NFC, trimmed): exactly the generator's tokens when nobody touched it.
 *   <li>{@link #HARDENED}: {@link DetectionNormalizer}: also invisible characters removed,
 *       look-alike letters folded and every run of white space made one space.
 *   <li>{@link #HARDENED_LINES}: the same, but a run of white space that holds a line break is kept
 *       as it is (code, lists and poems keep their line tokens); other runs become one space.
 *   <li>{@link #CASE_FOLDED}: {@link #HARDENED} lower-cased (an option, see README "Robustness").
 * </ul>
 */
public enum NormalForm {
  BASIC("basic"),
  HARDENED("hardened"),
  HARDENED_LINES("hardened-lines"),
  CASE_FOLDED("case-folded");

  private final String label;

  NormalForm(String label) {
    this.label = label;
  }

  /** The name results record ({@code normal_form}). */
  public String label() {
    return label;
  }

  /** The form named {@code label}, if any. */
  public static Optional<NormalForm> byLabel(String label) {
    for (NormalForm f : values()) {
      if (f.label.equals(label)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  /** {@code text} in this form. */
  public String apply(String text) {
    return switch (this) {
      case BASIC -> TextNormalizer.normalize(text);
      case HARDENED -> DetectionNormalizer.normalize(text);
      case HARDENED_LINES -> DetectionNormalizer.normalizeKeepingLines(text);
      case CASE_FOLDED -> DetectionNormalizer.normalize(text).toLowerCase(Locale.ROOT);
    };
  }

  /** Whether {@code cp} breaks a line (LF, VT, FF, NEL, line and paragraph separators). */
  static boolean isLineBreak(int cp) {
    return cp == '\n'
        || cp == 0x0B
        || cp == 0x0C
        || cp == 0x85
        || cp == 0x2028
        || cp == 0x2029
        || UCharacter.getType(cp) == UCharacter.LINE_SEPARATOR;
  }
}
