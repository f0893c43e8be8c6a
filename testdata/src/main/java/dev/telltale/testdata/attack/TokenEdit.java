package dev.telltale.testdata.attack;

import dev.telltale.text.Tokenizer;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Random token edits at rate {@code eps}: each token is deleted, replaced by a pool token, or
 * followed by an inserted pool token, independently with probability {@code eps}. The classic
 * attack of the green-list literature; it works on the generator's tokenizer's ids and decodes.
 */
public final class TokenEdit implements Attack {
  /** What happens to a token the coin selects. */
  public enum Kind {
    DELETION,
    INSERTION,
    SUBSTITUTION
  }

  private final Tokenizer tokenizer;
  private final TokenPool pool;
  private final Kind kind;
  private final double eps;

  public TokenEdit(Tokenizer tokenizer, TokenPool pool, Kind kind, double eps) {
    Attack.percent(eps);
    this.tokenizer = tokenizer;
    this.pool = pool;
    this.kind = kind;
    this.eps = eps;
  }

  @Override
  public String name() {
    return kind.name().toLowerCase(java.util.Locale.ROOT) + "-" + Attack.percent(eps);
  }

  @Override
  public String apply(String text, SplittableRandom rng) {
    int[] ids = tokenizer.encode(text);
    int[] out = new int[ids.length * 2];
    int n = 0;
    for (int id : ids) {
      boolean hit = rng.nextDouble() < eps;
      if (!hit) {
        out[n++] = id;
        continue;
      }
      switch (kind) {
        case DELETION -> {}
        case SUBSTITUTION -> out[n++] = pool.draw(rng);
        case INSERTION -> {
          out[n++] = id;
          out[n++] = pool.draw(rng);
        }
      }
    }
    return tokenizer.decode(Arrays.copyOf(out, n));
  }
}
