package dev.telltale.testdata.attack;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Inserts invisible characters: zero-width space, joiner and non-joiner, word joiner, soft hyphen,
 * bidi marks, tag characters and variation selectors, chosen at random, at rate {@code eps} per
 * place, the places being just after spaces, just before spaces, or inside words.
 */
public final class InvisibleCharacters implements Attack {
  /** Where invisible characters go. */
  public enum Placement {
    AFTER_SPACE,
    BEFORE_SPACE,
    INSIDE_WORD
  }

  /** ZWSP, ZWNJ, ZWJ, LRM, RLM, WJ, soft hyphen, LRE..RLO and isolates, tags, selectors. */
  static final int[] INVISIBLE = {
    0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0x00AD, 0x202A, 0x202B, 0x202C, 0x202D,
    0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0xE0020, 0xE0041, 0xE0061, 0xE007F, 0xFE00, 0xFE0F,
    0xE0100, 0x180E, 0x034F
  };

  private final Placement placement;
  private final double eps;
  private final int only;

  /** Random invisible characters at {@code placement}. */
  public InvisibleCharacters(Placement placement, double eps) {
    this(placement, eps, -1);
  }

  /** Only {@code codePoint} (e.g. U+200B) at {@code placement}. */
  public InvisibleCharacters(Placement placement, double eps, int codePoint) {
    Attack.percent(eps);
    this.placement = placement;
    this.eps = eps;
    this.only = codePoint;
  }

  @Override
  public String name() {
    String what = only < 0 ? "invisible" : String.format(Locale.ROOT, "u%04x", only);
    return what
        + "-"
        + placement.name().toLowerCase(Locale.ROOT).replace('_', '-')
        + "-"
        + Attack.percent(eps);
  }

  @Override
  public String apply(String text, SplittableRandom rng) {
    StringBuilder sb = new StringBuilder(text.length() + text.length() / 4);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean before = placement == Placement.BEFORE_SPACE && c == ' ';
      boolean inside =
          placement == Placement.INSIDE_WORD
              && i > 0
              && Character.isLetter(c)
              && Character.isLetter(text.charAt(i - 1));
      if ((before || inside) && rng.nextDouble() < eps) {
        sb.appendCodePoint(pick(rng));
      }
      sb.append(c);
      if (placement == Placement.AFTER_SPACE && c == ' ' && rng.nextDouble() < eps) {
        sb.appendCodePoint(pick(rng));
      }
    }
    return sb.toString();
  }

  private int pick(SplittableRandom rng) {
    return only >= 0 ? only : INVISIBLE[rng.nextInt(INVISIBLE.length)];
  }
}
