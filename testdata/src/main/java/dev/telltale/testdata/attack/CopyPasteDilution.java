package dev.telltale.testdata.attack;

import dev.telltale.text.Tokenizer;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Pastes the text into human text so that it makes up {@code share} of the tokens of the result:
 * human text before and after it, split at a random point, drawn from a list of passages.
 */
public final class CopyPasteDilution implements Attack {
  private final Tokenizer tokenizer;
  private final List<String> human;
  private final double share;

  public CopyPasteDilution(Tokenizer tokenizer, List<String> humanPassages, double share) {
    if (!(share > 0 && share <= 1)) {
      throw new IllegalArgumentException("share must be in (0, 1], got " + share);
    }
    if (humanPassages.isEmpty()) {
      throw new IllegalArgumentException("no human passages");
    }
    this.tokenizer = tokenizer;
    this.human = List.copyOf(humanPassages);
    this.share = share;
  }

  @Override
  public String name() {
    return "paste-" + Attack.percent(share);
  }

  @Override
  public String apply(String text, SplittableRandom rng) {
    int own = tokenizer.encode(text).length;
    int need = (int) Math.round(own * (1 - share) / share);
    int[] filler = new int[0];
    StringBuilder sb = new StringBuilder();
    while (filler.length < need) {
      sb.append(human.get(rng.nextInt(human.size()))).append(' ');
      filler = tokenizer.encode(sb.toString());
    }
    int cut = need == 0 ? 0 : rng.nextInt(need + 1);
    String before = tokenizer.decode(Arrays.copyOfRange(filler, 0, cut)).strip();
    String after = tokenizer.decode(Arrays.copyOfRange(filler, cut, need)).strip();
    return (before.isEmpty() ? "" : before + " ") + text + (after.isEmpty() ? "" : " " + after);
  }
}
