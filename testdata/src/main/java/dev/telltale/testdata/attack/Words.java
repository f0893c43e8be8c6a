package dev.telltale.testdata.attack;

import java.util.ArrayList;
import java.util.List;

/** Splits text into alternating word and separator pieces and joins them back. */
final class Words {
  private Words() {}

  /** Pieces of {@code text}: maximal runs of white space and of everything else, in order. */
  static List<String> pieces(String text) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      boolean space = Character.isWhitespace(text.charAt(i));
      int j = i;
      while (j < text.length() && Character.isWhitespace(text.charAt(j)) == space) {
        j++;
      }
      out.add(text.substring(i, j));
      i = j;
    }
    return out;
  }

  static boolean isWord(String piece) {
    return !piece.isEmpty() && !Character.isWhitespace(piece.charAt(0));
  }
}
