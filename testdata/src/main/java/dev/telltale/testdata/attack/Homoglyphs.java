package dev.telltale.testdata.attack;

import com.ibm.icu.lang.UScript;
import dev.telltale.text.DetectionNormalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Replaces each ASCII letter, independently with probability {@code eps}, by a look-alike from
 * another script (Cyrillic "а" for Latin "a", Greek "Ο" for "O", mathematical "𝐞" for "e"). The
 * look-alikes come from Unicode's confusables data through ICU4J: every non-ASCII letter whose
 * skeleton is that of an ASCII letter, not a hand-made table.
 */
public final class Homoglyphs implements Attack {
  private static final int[][] LOOKALIKES = lookalikes();
  private final double eps;

  public Homoglyphs(double eps) {
    Attack.percent(eps);
    this.eps = eps;
  }

  /** How many look-alikes the data gives for ASCII letter {@code c}. */
  public static int lookalikeCount(char c) {
    return c < 128 ? LOOKALIKES[c].length : 0;
  }

  private static int[][] lookalikes() {
    List<List<Integer>> by = new ArrayList<>();
    for (int i = 0; i < 128; i++) {
      by.add(new ArrayList<>());
    }
    for (int cp = 0x80; cp < 0x20000; cp++) {
      if (!Character.isLetter(cp) || isIdeographic(cp)) {
        continue;
      }
      int a = DetectionNormalizer.asciiPrototype(cp);
      if (a >= 0) {
        by.get(a).add(cp);
      }
    }
    int[][] out = new int[128][];
    for (int i = 0; i < 128; i++) {
      out[i] = by.get(i).stream().mapToInt(Integer::intValue).toArray();
    }
    return out;
  }

  private static boolean isIdeographic(int cp) {
    int s = UScript.getScript(cp);
    return s == UScript.HAN
        || s == UScript.HANGUL
        || s == UScript.YI
        || s == UScript.TANGUT
        || Character.isIdeographic(cp);
  }

  @Override
  public String name() {
    return "homoglyphs-" + Attack.percent(eps);
  }

  @Override
  public String apply(String text, SplittableRandom rng) {
    StringBuilder sb = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      int[] alts = c < 128 ? LOOKALIKES[c] : null;
      if (alts != null && alts.length > 0 && rng.nextDouble() < eps) {
        sb.appendCodePoint(alts[rng.nextInt(alts.length)]);
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
