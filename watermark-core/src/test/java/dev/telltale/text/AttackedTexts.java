package dev.telltale.text;

import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.telltale.TestGenerators;
import java.util.List;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Random texts with the edits attacks and layouts make (line breaks, runs of white space, invisible
 * characters, look-alike letters, case changes) between words and pieces that meet a cut from every
 * side (contractions, digits, marks, other scripts, punctuation), so that the normal forms of a
 * text differ in many places and share long stretches between them.
 */
public final class AttackedTexts {
  /** Plain words and punctuation: the long stretches the forms share. */
  static final List<String> WORDS =
      List.of(
          "The",
          " committee",
          " adopted",
          " the",
          " report",
          " on",
          " Tuesday",
          ",",
          ".",
          " and",
          " it",
          "'s",
          " we",
          "'ll",
          " vote",
          " in",
          " 2024",
          " at",
          " 10",
          ":",
          "30",
          " (",
          ")",
          " Mr",
          " President",
          " naïve",
          " café",
          " cafe\u0301",
          " Ωμέγα",
          " слово",
          " 漢字",
          " 😀",
          " शब्द",
          "!",
          "?",
          " \"",
          "—",
          " O'Neill",
          "'S",
          " don't",
          " ½",
          " Ⅻ",
          " ٣");

  /** What attacks and layouts put between them. */
  static final List<String> EDITS =
      List.of(
          "\n",
          "\n\n",
          " \n ",
          "\r\n",
          "  ",
          "   ",
          "\t",
          "\u00A0",
          "\u3000",
          "\u2028",
          "\u200B",
          "\u200D",
          "\u00AD",
          "\u2060",
          "\uFEFF",
          "\uFE0F",
          "\u202E",
          "\uDB40\uDC41",
          " \u0430",
          "\u0435",
          "\u043e",
          "\u03bf",
          "\u0456",
          "р",
          " h\u0430s",
          " C\u043emmissi\u03bfn",
          " \uD835\uDC1E",
          "A",
          "B",
          "x",
          "1",
          "'",
          "'d",
          "\u0301",
          " ",
          "\u0903");

  private AttackedTexts() {}

  /** A text of up to {@code maxPieces} pieces, words mostly, with edits and arbitrary Unicode. */
  @SuppressWarnings("unchecked")
  public static Gen<String> texts(int maxPieces) {
    Gen<String> piece =
        Generate.frequency(
            Pair.of(12, arbitrary().pick(WORDS)),
            Pair.of(4, arbitrary().pick(EDITS)),
            Pair.of(1, TestGenerators.unicodeStrings(3)),
            Pair.of(
                1,
                arbitrary().pick(WORDS).map((String w) -> w.toUpperCase(java.util.Locale.ROOT))));
    return lists().of(piece).ofSizeBetween(0, maxPieces).map(l -> String.join("", l));
  }

  /** Long texts: a run of plain sentences with a few edits, as real attacked text is. */
  public static Gen<String> longTexts() {
    return lists()
        .of(integers().between(0, 10_000))
        .ofSizeBetween(1, 12)
        .zip(texts(40), (seeds, noise) -> longText(seeds, noise));
  }

  private static String longText(List<Integer> seeds, String noise) {
    StringBuilder sb = new StringBuilder();
    for (int seed : seeds) {
      java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
      int words = 20 + r.nextInt(200);
      for (int w = 0; w < words; w++) {
        sb.append(WORDS.get(r.nextInt(WORDS.size())));
      }
      sb.append(EDITS.get(r.nextInt(EDITS.size())));
    }
    int at = sb.length() / 2;
    // Keep surrogate pairs whole.
    while (at > 0 && Character.isLowSurrogate(sb.charAt(at))) {
      at--;
    }
    return sb.insert(at, noise).toString();
  }
}
