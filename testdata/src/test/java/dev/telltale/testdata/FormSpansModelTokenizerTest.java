package dev.telltale.testdata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.telltale.text.Deadline;
import dev.telltale.text.DetectionNormalizer;
import dev.telltale.text.FormSpans;
import dev.telltale.text.NormalForm;
import dev.telltale.text.Tokenizer;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * With the real model tokenizers, the ids {@link FormSpans} gives each normal form of a text
 * (reusing the first form's ids where the forms agree) are a full {@code encode} of that form, on
 * random texts with the edits of attacks. Llama 3 splits as cl100k does and has no normalizer, so
 * it cuts where cl100k does and its forms share pieces; the others (a normalizer, or a
 * SentencePiece-style pre-tokenizer) have no safe cut and tokenise every form in full.
 */
class FormSpansModelTokenizerTest {
  private static final List<String> WORDS =
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
          " naïve",
          " cafe\u0301",
          " Ωμέγα",
          " слово",
          " 漢字",
          " शब्द",
          " 😀",
          "!",
          " \"",
          "—",
          " O'Neill",
          " don't",
          " ½",
          "▁",
          " ▁x");
  private static final List<String> EDITS =
      List.of(
          "\n",
          "\n\n",
          " \n ",
          "\r\n",
          "  ",
          "\t",
          "\u00A0",
          "\u3000",
          "\u2028",
          "\u200B",
          "\u200D",
          "\u00AD",
          "\uFEFF",
          "\uFE0F",
          " \u0430",
          "\u0435",
          "\u03bf",
          " h\u0430s",
          "A",
          "x",
          "1",
          "'",
          "\u0301",
          " ");

  @SuppressWarnings("unchecked")
  static Gen<String> texts() {
    Gen<String> piece =
        Generate.frequency(
            Pair.of(10, arbitrary().pick(WORDS)),
            Pair.of(4, arbitrary().pick(EDITS)),
            Pair.of(1, arbitrary().pick(WORDS).map((String w) -> w.toUpperCase(Locale.ROOT))));
    return lists().of(piece).ofSizeBetween(0, 120).map(l -> String.join("", l));
  }

  static List<String> forms(String text) {
    String basic = NormalForm.BASIC.apply(text);
    String[] hardened = DetectionNormalizer.hardenedForms(basic);
    return List.of(basic, hardened[0], hardened[1], hardened[0].toLowerCase(Locale.ROOT));
  }

  static void check(Tokenizer t, String text) {
    List<String> forms = forms(text);
    List<int[]> ids = FormSpans.encode(t, forms, Deadline.NONE);
    for (int k = 0; k < forms.size(); k++) {
      int form = k;
      assertArrayEquals(
          t.encode(forms.get(k)), ids.get(k), () -> t.name() + " form " + form + ": " + text);
    }
  }

  static List<String> names() {
    return ModelTokenizers.NAMES;
  }

  @ParameterizedTest
  @MethodSource("names")
  void eachFormGetsTheIdsOfAFullEncode(String name) {
    Tokenizer t = ModelTokenizers.telltale(name);
    qt().withFixedSeed(0x11A3_0001L + name.hashCode())
        .withExamples(name.equals("llama3") ? 1500 : 300)
        .forAll(texts())
        .checkAssert(text -> check(t, text));
  }

  @Test
  void llama3CutsAsCl100kAndTheOthersNowhere() {
    String text =
        ("The committee adopted the report on the budget for the coming year, and we shall vote"
                + " on it in the plenary session tomorrow morning, as the rules require.\n\n")
            .repeat(40);
    for (String name : ModelTokenizers.NAMES) {
      Tokenizer t = ModelTokenizers.telltale(name);
      boolean cuts = name.equals("llama3");
      assertEquals(cuts, t.isSafeCut("report. We", 6), name);
      List<FormSpans.Encoded> enc = FormSpans.encodeSharing(t, forms(text), Deadline.NONE);
      int copied = 0;
      for (int r = 0; r < enc.get(1).runs().length; r += 3) {
        copied += enc.get(1).runs()[r + 2];
      }
      if (cuts) {
        assertTrue(copied > 0.8 * enc.get(1).ids().length, name + " copied " + copied);
      } else {
        assertEquals(0, copied, name);
      }
    }
    assertFalse(ModelTokenizers.telltale("llama3").isSafeCut("it's", 2));
  }

  @Test
  void aCutInsideAWordIsCaughtForLlama3() {
    Tokenizer llama3 = ModelTokenizers.telltale("llama3");
    Tokenizer loose =
        new Tokenizer() {
          @Override
          public String name() {
            return "llama3-cut-inside-words";
          }

          @Override
          public int vocabSize() {
            return llama3.vocabSize();
          }

          @Override
          public int[] encode(String text) {
            return llama3.encode(text);
          }

          @Override
          public boolean isSafeCut(CharSequence text, int p) {
            return llama3.isSafeCut(text, p)
                || (p > 0
                    && p < text.length()
                    && Character.isLetter(text.charAt(p - 1))
                    && Character.isLetter(text.charAt(p)));
          }

          @Override
          public String decode(int[] ids, int off, int len) {
            return llama3.decode(ids, off, len);
          }
        };
    assertThrows(
        AssertionError.class,
        () ->
            qt().withFixedSeed(0x11A3_0002L)
                .withExamples(1500)
                .withShrinkCycles(0)
                .forAll(texts())
                .checkAssert(text -> check(loose, text)));
  }
}
