package dev.telltale.service;

import static dev.telltale.TestGenerators.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

/**
 * The chunked checks give the verdict of the plain per-char rule below (the first version of {@link
 * TextChecks}), on texts longer than a chunk with surrogates, pairs and runs of every kind at and
 * across chunk ends.
 */
class TextChecksTest {
  /** Code points of every class: letters of three widths, digits, spaces, punctuation, emoji. */
  private static final int[] UNITS = {
    'a', 'Z', 0xE9, 0x4E2D, 0x1D400, '7', 0x0663, ' ', 0x3000, '\n', '!', 0x1F600
  };

  /** Mostly letters and spaces (runs), the other classes, and now and then a lone half. */
  private static int unit(int k) {
    if (k < 2) {
      return k == 0 ? 0xD800 : 0xDC00; // 2 in 10,000
    }
    if (k < 4000) {
      return 'a';
    }
    if (k < 7000) {
      return ' ';
    }
    return UNITS[k % UNITS.length];
  }

  @Test
  void runAndSurrogateVerdictsMatchThePerCharRule() {
    qt().withFixedSeed(0x7E47L)
        .withExamples(400)
        .forAll(
            strings(integers().between(0, 9999).map(TextChecksTest::unit), 0, 3000),
            integers().between(1, 40))
        .checkAssert(
            (t, maxRun) -> {
              assertEquals(reference(t, maxRun), verdict(() -> check(t, maxRun)), "run check");
              assertEquals(
                  reference(t, Integer.MAX_VALUE),
                  verdict(() -> TextChecks.noLoneSurrogates(TextNode.valueOf(t))),
                  "surrogate check");
            });
  }

  @Test
  void pairsAndRunsAcrossTheChunkEnd() {
    // The chunk is 1,024 chars: a pair, a lone half and a run that straddle it.
    String pad = "ab ".repeat(341); // 1,023 chars
    String emoji = new String(Character.toChars(0x1F600));
    assertEquals("ok", verdict(() -> check(pad + emoji + "x", 5)));
    assertEquals("lone-surrogate", verdict(() -> check(pad + "\uD800x", 5)));
    assertEquals("lone-surrogate", verdict(() -> check(pad + "\uD800\uD800\uDC00", 5)));
    assertEquals("lone-surrogate", verdict(() -> check(pad + "x\uDC00", 5)));
    assertEquals("ok", verdict(() -> check(pad + "xxxx" + emoji, 5)));
    assertEquals("run-too-long", verdict(() -> check(pad + "xxxxx" + "\uD835\uDC00", 5)));
    assertEquals("run-too-long", verdict(() -> check("b".repeat(2000) + " ", 1500)));
    assertEquals("ok", verdict(() -> check("1".repeat(5000), 3)));
  }

  private static void check(String text, int maxRun) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("text", text);
    TextChecks.forScoring(n, maxRun);
  }

  private static String verdict(Runnable r) {
    try {
      r.run();
      return "ok";
    } catch (ProblemException e) {
      return e.type();
    }
  }

  /** The rule, a char at a time. */
  private static String reference(String s, int maxRun) {
    int run = 0;
    int kind = -1;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      int cp = c;
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return "lone-surrogate";
        }
        cp = Character.toCodePoint(c, s.charAt(++i));
      } else if (Character.isLowSurrogate(c)) {
        return "lone-surrogate";
      }
      int k =
          Character.isLetter(cp)
              ? 0
              : Character.isDigit(cp)
                  ? 1
                  : Character.isWhitespace(cp) || Character.isSpaceChar(cp) ? 2 : 3;
      run = k == kind && k != 1 ? run + 1 : 1;
      kind = k;
      if (run > maxRun) {
        return "run-too-long";
      }
    }
    return "ok";
  }
}
