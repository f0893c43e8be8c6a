package dev.telltale.text.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
