package dev.telltale.testdata.attack;

import dev.telltale.testdata.EuroparlCorpus;
import dev.telltale.text.Tokenizer;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Replacement tokens drawn with their frequency in human text (held-out Europarl), so inserted and
 * substituted tokens look like real words rather than random byte pieces.
 */
public final class TokenPool {
  private final int[] ids;

  private TokenPool(int[] ids) {
    if (ids.length == 0) {
      throw new IllegalArgumentException("empty token pool");
    }
    this.ids = ids;
  }

  /** Tokens of up to {@code docs} held-out documents (taken from the end of the held-out list). */
  public static TokenPool heldOut(Tokenizer tokenizer, int docs) {
    List<String> held = EuroparlCorpus.load().heldOut();
    StringBuilder sb = new StringBuilder();
    for (String d : held.subList(Math.max(0, held.size() - docs), held.size())) {
      sb.append(d).append(' ');
    }
    return new TokenPool(tokenizer.encode(sb.toString()));
  }

  public static TokenPool of(int[] ids) {
    return new TokenPool(ids.clone());
  }

  public int draw(SplittableRandom rng) {
    return ids[rng.nextInt(ids.length)];
  }
}
