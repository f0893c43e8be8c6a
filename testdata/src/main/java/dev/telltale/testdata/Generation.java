package dev.telltale.testdata;

import java.util.Arrays;

/**
 * Output of one generation: the generated token ids (prompt excluded) and their decoded text.
 *
 * @param tokens generated ids, defensively copied
 * @param text {@code tokenizer.decode(tokens)}
 */
public record Generation(int[] tokens, String text) {
  public Generation {
    tokens = tokens.clone();
    if (text == null) {
      throw new NullPointerException("text");
    }
  }

  @Override
  public int[] tokens() {
    return tokens.clone();
  }

  public int length() {
    return tokens.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Generation g && Arrays.equals(tokens, g.tokens) && text.equals(g.text);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(tokens) + text.hashCode();
  }

  @Override
  public String toString() {
    return "Generation[" + tokens.length + " tokens, text=" + text + "]";
  }
}
