package dev.telltale.text;

import java.util.Arrays;
import java.util.function.Function;

/**
 * Where a text may be cut so that the tiktoken encodings (cl100k_base, o200k_base) give the pieces
 * exactly the tokens they give the whole: after a letter and before a character that neither
 * pattern can join to it. Tokenising chunk by chunk then lets long work stop at its {@link
 * Deadline} between chunks without changing a single id.
 *
 * <p>Why the cut is safe: both encodings split text with a regular expression and run BPE on each
 * piece alone, and a cut changes nothing if it falls between two pieces and neither side's pieces
 * depend on the other side. The only alternatives of either pattern that take in a letter are the
 * letter runs ({@code [^\r\n\p{L}\p{N}]?\p{L}+} in cl100k; in o200k the cased runs, which also take
 * marks {@code \p{M}} and a trailing contraction such as {@code 's}) and cl100k's contractions;
 * each of them ends at the first character that is not a letter, a mark or an apostrophe. So when
 * the character before the cut is a letter and the one after it is none of these (nor a digit, nor
 * a line break, to stay clear of the digit and newline rules), the piece holding that letter ends
 * exactly at the cut. The pattern has no look-behind and no {@code ^}; every look-ahead and every
 * failed alternative before the cut reads at most up to the letter run that ends there, so the
 * pieces before the cut are the same whether the text goes on or not, and matching resumes at the
 * cut as it would at the start of a text. The property test (over random and real texts, with cuts
 * at every safe place) holds the implementation to this.
 */
public final class SafeSplits {
  /** The chunk length tokenising aims for: small enough to check a deadline often. */
  public static final int CHUNK_CHARS = 8192;

  private SafeSplits() {}

  /** Whether cutting {@code text} before index {@code p} leaves its tiktoken ids unchanged. */
  public static boolean isSafeCut(CharSequence text, int p) {
    if (p <= 0 || p >= text.length()) {
      return false;
    }
    return Character.isLetter(text.charAt(p - 1)) && endsLetterRun(text.charAt(p));
  }

  private static boolean endsLetterRun(char c) {
    if (c == '\'' || c == '\r' || c == '\n' || Character.isSurrogate(c)) {
      return false;
    }
    return switch (Character.getType(c)) {
      case Character.UPPERCASE_LETTER,
          Character.LOWERCASE_LETTER,
          Character.TITLECASE_LETTER,
          Character.MODIFIER_LETTER,
          Character.OTHER_LETTER,
          Character.NON_SPACING_MARK,
          Character.ENCLOSING_MARK,
          Character.COMBINING_SPACING_MARK,
          Character.DECIMAL_DIGIT_NUMBER,
          Character.LETTER_NUMBER,
          Character.OTHER_NUMBER ->
          false;
      default -> true;
    };
  }

  /** The first safe cut at or after {@code from}, or the text's length if there is none. */
  public static int nextCut(CharSequence text, int from) {
    for (int p = Math.max(1, from); p < text.length(); p++) {
      if (isSafeCut(text, p)) {
        return p;
      }
    }
    return text.length();
  }

  /**
   * The ids of {@code text}, tokenised by {@code encoder} in chunks of about {@code chunkChars}
   * characters cut at safe places, checking {@code deadline} before each chunk and at the end. A
   * text without a safe cut is tokenised whole.
   */
  public static int[] encodeInChunks(
      String text, int chunkChars, Deadline deadline, Function<String, int[]> encoder) {
    if (chunkChars <= 0) {
      throw new IllegalArgumentException("chunkChars must be positive, got " + chunkChars);
    }
    deadline.check();
    if (text.length() <= chunkChars) {
      int[] ids = encoder.apply(text);
      deadline.check();
      return ids;
    }
    int[] out = new int[Math.max(16, text.length() / 4)];
    int n = 0;
    for (int from = 0; from < text.length(); ) {
      int to = nextCut(text, from + chunkChars);
      int[] part = encoder.apply(text.substring(from, to));
      if (n + part.length > out.length) {
        out = Arrays.copyOf(out, Math.max(out.length * 2, n + part.length));
      }
      System.arraycopy(part, 0, out, n, part.length);
      n += part.length;
      from = to;
      deadline.check();
    }
    return Arrays.copyOf(out, n);
  }
}
