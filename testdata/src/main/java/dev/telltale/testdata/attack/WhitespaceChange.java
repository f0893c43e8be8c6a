package dev.telltale.testdata.attack;

import java.util.SplittableRandom;

/**
 * Replaces each space, independently with probability {@code eps}, by a double space, a tab, a line
 * break, a blank line or a no-break space.
 */
public final class WhitespaceChange implements Attack {
  private static final String[] SPACES = {"  ", "\t", "\n", "\n\n", "\u00a0"};
  private final double eps;

  public WhitespaceChange(double eps) {
    Attack.percent(eps);
    this.eps = eps;
  }

  @Override
  public String name() {
    return "whitespace-" + Attack.percent(eps);
  }

  @Override
  public String apply(String text, SplittableRandom rng) {
    StringBuilder sb = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == ' ' && rng.nextDouble() < eps) {
        sb.append(SPACES[rng.nextInt(SPACES.length)]);
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
