package dev.telltale.text;

/**
 * Cutting a String into chunks to copy out with {@link String#getChars}, for loops that read a text
 * in bulk instead of a char at a time: a chunk never ends between the two halves of a surrogate
 * pair, so each chunk can be read on its own.
 */
public final class CharChunks {
  private CharChunks() {}

  /**
   * The end of the chunk of {@code s} that starts at {@code start}: at most {@code max} chars on,
   * one less when that would end on a high surrogate with more text after it (the pair, or the char
   * that shows the high half lone, then starts the next chunk). Always past {@code start} when
   * {@code start < s.length()} and {@code max >= 2}.
   */
  public static int end(String s, int start, int max) {
    int end = Math.min(s.length(), start + max);
    if (end < s.length() && end - 1 > start && Character.isHighSurrogate(s.charAt(end - 1))) {
      end--;
    }
    return end;
  }
}
