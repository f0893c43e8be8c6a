package dev.telltale.testdata.attack;

import java.util.SplittableRandom;

/** Removes each punctuation character independently with probability {@code eps}. */
public final class PunctuationRemoval implements Attack {
  private final double eps;

  public PunctuationRemoval(double eps) {
    Attack.percent(eps);
    this.eps = eps;
  }

  @Override
  public String name() {
    return "punctuation-" + Attack.percent(eps);
  }

  @Override
  public String apply(String text, SplittableRandom rng) {
    StringBuilder sb = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (!isPunctuation(cp) || rng.nextDouble() >= eps) {
        sb.appendCodePoint(cp);
      }
    }
    return sb.toString();
  }

  static boolean isPunctuation(int cp) {
    return switch (Character.getType(cp)) {
      case Character.CONNECTOR_PUNCTUATION,
          Character.DASH_PUNCTUATION,
          Character.START_PUNCTUATION,
          Character.END_PUNCTUATION,
          Character.INITIAL_QUOTE_PUNCTUATION,
          Character.FINAL_QUOTE_PUNCTUATION,
          Character.OTHER_PUNCTUATION ->
          true;
      default -> false;
    };
  }
}
