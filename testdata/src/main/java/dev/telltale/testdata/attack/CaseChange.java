package dev.telltale.testdata.attack;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Case changes: each word, independently with probability {@code eps}, has the case of its first
 * letter flipped; {@link #upper()} and {@link #lower()} change the whole text.
 */
public final class CaseChange implements Attack {
  private final double eps;
  private final int whole; // 0 per word, 1 upper, -1 lower

  private CaseChange(double eps, int whole) {
    Attack.percent(eps);
    this.eps = eps;
    this.whole = whole;
  }

  public static CaseChange words(double eps) {
    return new CaseChange(eps, 0);
  }

  public static CaseChange upper() {
    return new CaseChange(1, 1);
  }

  public static CaseChange lower() {
    return new CaseChange(1, -1);
  }

  @Override
  public String name() {
    return whole > 0 ? "case-upper" : whole < 0 ? "case-lower" : "case-" + Attack.percent(eps);
  }

  @Override
  public String apply(String text, SplittableRandom rng) {
    if (whole != 0) {
      return whole > 0 ? text.toUpperCase(Locale.ROOT) : text.toLowerCase(Locale.ROOT);
    }
    List<String> p = Words.pieces(text);
    for (int i = 0; i < p.size(); i++) {
      String w = p.get(i);
      if (Words.isWord(w) && Character.isLetter(w.charAt(0)) && rng.nextDouble() < eps) {
        char c = w.charAt(0);
        char f = Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c);
        p.set(i, f + w.substring(1));
      }
    }
    return String.join("", p);
  }
}
