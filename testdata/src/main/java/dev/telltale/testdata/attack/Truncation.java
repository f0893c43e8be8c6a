package dev.telltale.testdata.attack;

import dev.telltale.text.Tokenizer;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Keeps the first {@code tokens} tokens of the text. */
public final class Truncation implements Attack {
  private final Tokenizer tokenizer;
  private final int tokens;

  public Truncation(Tokenizer tokenizer, int tokens) {
    if (tokens < 1) {
      throw new IllegalArgumentException("tokens must be >= 1, got " + tokens);
    }
    this.tokenizer = tokenizer;
    this.tokens = tokens;
  }

  @Override
  public String name() {
    return "truncate-" + tokens;
  }

  @Override
  public String apply(String text, SplittableRandom rng) {
    int[] ids = tokenizer.encode(text);
    return ids.length <= tokens ? text : tokenizer.decode(Arrays.copyOf(ids, tokens));
  }
}
