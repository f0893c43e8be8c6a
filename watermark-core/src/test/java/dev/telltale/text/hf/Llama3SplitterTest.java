package dev.telltale.text.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** The hand-written Llama 3 / Qwen splitter gives the pieces of the regex it replaces. */
class Llama3SplitterTest {
  private static final String ALPHABET =
      "aZ09'sStTmMdDrReEvVlL \t\r\n\u00A0\u2009\u3000\u0085.,!?-()\"\u017F\u00E9\u0301"
          + "\u4E2D\u0661\u00BD\u2167\u200D";

  static Gen<String> text() {
    return lists()
        .of(integers().between(0, ALPHABET.length() + 2))
        .ofSizeBetween(0, 30)
        .map(
            picks -> {
              StringBuilder sb = new StringBuilder();
              for (int p : picks) {
                if (p == ALPHABET.length()) {
                  sb.appendCodePoint(0x1F600);
                } else if (p == ALPHABET.length() + 1) {
                  sb.appendCodePoint(0x1D400);
                } else if (p == ALPHABET.length() + 2) {
                  sb.append('\uD800');
                } else {
                  sb.append(ALPHABET.charAt(p));
                }
              }
              return sb.toString();
            });
  }

  static List<String> regexPieces(String regex, String text) {
    List<String> out = new ArrayList<>();
    java.util.regex.Matcher m =
        Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS).matcher(text);
    int prev = 0;
    while (m.find()) {
      if (m.start() > prev) {
        out.add(text.substring(prev, m.start()));
      }
      if (m.end() > m.start()) {
        out.add(text.substring(m.start(), m.end()));
      }
      prev = m.end();
    }
    if (prev < text.length()) {
      out.add(text.substring(prev));
    }
    return out;
  }

  /**
   * The ASCII fast path ends every match where the code-point matcher does, or leaves it to it;
   * ASCII-only texts make it decide most positions.
   */
  @Test
  void asciiFastPathAgreesWithTheGeneralMatcherWhereverItDecides() {
    Gen<String> ascii =
        lists()
            .of(integers().between(0, 0x7F))
            .ofSizeBetween(0, 40)
            .map(
                picks -> {
                  StringBuilder sb = new StringBuilder();
                  for (int p : picks) {
                    sb.append(p < 0x60 ? ALPHABET.charAt(p % 26) : (char) p);
                  }
                  return sb.toString();
                });
    for (String regex : List.of(Llama3Splitter.LLAMA3, Llama3Splitter.QWEN)) {
      Llama3Splitter splitter = Llama3Splitter.forRegex(regex);
      int[] decided = new int[1];
      qt().withFixedSeed(78)
          .withExamples(5000)
          .forAll(text().mix(ascii, 50))
          .checkAssert(
              t -> {
                for (int i = 0; i < t.length(); i++) {
                  int fast = splitter.asciiMatchAt(t, i, t.length());
                  if (fast >= 0) {
                    decided[0]++;
                    assertEquals(splitter.generalMatchAt(t, i, t.length()), fast, t);
                  }
                }
              });
      assertTrue(decided[0] > 40_000, "positions the fast path decided: " + decided[0]);
    }
  }

  @Test
  void llama3AndQwenPiecesEqualTheRegexes() {
    for (String regex : List.of(Llama3Splitter.LLAMA3, Llama3Splitter.QWEN)) {
      Llama3Splitter fast = Llama3Splitter.forRegex(regex);
      qt().withFixedSeed(77)
          .withExamples(3000)
          .forAll(text())
          .checkAssert(
              t -> {
                List<String> pieces = new ArrayList<>();
                fast.split(t, pieces);
                assertEquals(regexPieces(regex, t), pieces);
              });
    }
  }
}
