package dev.telltale.testdata.attack;

import java.util.List;
import java.util.SplittableRandom;

/** Swaps a word with the next one, each word independently with probability {@code eps}. */
public final class AdjacentSwap implements Attack {
  private final double eps;

  public AdjacentSwap(double eps) {
    Attack.percent(eps);
    this.eps = eps;
  }

  @Override
  public String name() {
    return "swap-" + Attack.percent(eps);
  }

  @Override
  public String apply(String text, SplittableRandom rng) {
    List<String> p = Words.pieces(text);
    for (int i = 0; i + 2 < p.size(); i++) {
      if (Words.isWord(p.get(i)) && Words.isWord(p.get(i + 2)) && rng.nextDouble() < eps) {
        String w = p.get(i);
        p.set(i, p.get(i + 2));
        p.set(i + 2, w);
        i += 2;
      }
    }
    return String.join("", p);
  }
}
