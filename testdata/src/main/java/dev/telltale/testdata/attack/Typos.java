package dev.telltale.testdata.attack;

import java.util.List;
import java.util.SplittableRandom;

/**
 * One keyboard-style typo (drop, double, swap with the neighbour, or replace a letter) in each word
 * of two letters or more, independently with probability {@code eps}.
 */
public final class Typos implements Attack {
  private final double eps;

  public Typos(double eps) {
    Attack.percent(eps);
    this.eps = eps;
  }

  @Override
  public String name() {
    return "typos-" + Attack.percent(eps);
  }

  @Override
  public String apply(String text, SplittableRandom rng) {
    List<String> p = Words.pieces(text);
    for (int i = 0; i < p.size(); i++) {
      String w = p.get(i);
      if (Words.isWord(w) && w.length() >= 2 && rng.nextDouble() < eps) {
        p.set(i, typo(w, rng));
      }
    }
    return String.join("", p);
  }

  private static String typo(String w, SplittableRandom rng) {
    int at = rng.nextInt(w.length() - 1);
    StringBuilder sb = new StringBuilder(w);
    switch (rng.nextInt(4)) {
      case 0 -> sb.deleteCharAt(at);
      case 1 -> sb.insert(at, w.charAt(at));
      case 2 -> {
        sb.setCharAt(at, w.charAt(at + 1));
        sb.setCharAt(at + 1, w.charAt(at));
      }
      default -> sb.setCharAt(at, (char) ('a' + rng.nextInt(26)));
    }
    return sb.toString();
  }
}
