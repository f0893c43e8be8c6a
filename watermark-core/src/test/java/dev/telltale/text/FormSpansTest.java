package dev.telltale.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import java.util.List;
import java.util.Locale;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.quicktheories.core.Gen;

/**
 * The ids {@link FormSpans} gives each normal form of a text, reusing the first form's ids where
 * the forms agree, are exactly a full {@code encode} of that form, on random texts with the edits
 * of attacks; a cut rule looser than the tokenizer's is caught by the same property (the test has
 * teeth). The tokenizer.json case (Llama 3) is in the testdata module ({@code
 * FormSpansModelTokenizerTest}), where the file is.
 */
class FormSpansTest {
  /** The forms detection tokenises, and the raw text: forms that differ in many small places. */
  static List<String> forms(String text) {
    String basic = NormalForm.BASIC.apply(text);
    String[] hardened = DetectionNormalizer.hardenedForms(basic);
    return List.of(
        basic, hardened[0], hardened[1], hardened[0].toLowerCase(Locale.ROOT), text.strip());
  }

  /** Checks each form's ids against a full encode; an AssertionError names the text. */
  static void checkForms(Tokenizer t, String text) {
    List<String> forms = forms(text);
    List<int[]> ids = FormSpans.encode(t, forms, Deadline.NONE);
    assertEquals(forms.size(), ids.size());
    for (int k = 0; k < forms.size(); k++) {
      int form = k;
      assertArrayEquals(
          t.encode(forms.get(k)),
          ids.get(k),
          () -> t.name() + " form " + form + " of " + escape(text));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {Tokenizers.CL100K_BASE, Tokenizers.O200K_BASE})
  void eachFormGetsTheIdsOfAFullEncode(String name) {
    Tokenizer t = Tokenizers.byName(name);
    qt().withFixedSeed(0x5BA9_0001L + name.hashCode())
        .withExamples(1500)
        .forAll(AttackedTexts.texts(80))
        .checkAssert(text -> checkForms(t, text));
  }

  @ParameterizedTest
  @ValueSource(strings = {Tokenizers.CL100K_BASE, Tokenizers.O200K_BASE})
  void longTextsGetTheIdsOfAFullEncode(String name) {
    Tokenizer t = Tokenizers.byName(name);
    qt().withFixedSeed(0x5BA9_0002L + name.hashCode())
        .withExamples(150)
        .forAll(AttackedTexts.longTexts())
        .checkAssert(text -> checkForms(t, text));
  }

  @Test
  void formsOfALongTextShareMostOfTheirIds() {
    Tokenizer t = Tokenizers.cl100kBase();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 60; i++) {
      sb.append("Mr President, the committee adopted the report on the budget for ")
          .append(2000 + i)
          .append(". We welcome it and we shall vote in favour of it tomorrow.")
          .append(i % 3 == 0 ? "\n\n" : i % 3 == 1 ? "  " : " \u200B");
    }
    List<String> forms = forms(sb.toString());
    List<FormSpans.Encoded> enc = FormSpans.encodeSharing(t, forms, Deadline.NONE);
    for (int k = 1; k < 3; k++) {
      int copied = 0;
      int[] runs = enc.get(k).runs();
      for (int r = 0; r < runs.length; r += 3) {
        copied += runs[r + 2];
      }
      int total = enc.get(k).ids().length;
      assertTrue(
          copied > 0.9 * total, "form " + k + ": " + copied + " of " + total + " ids copied");
      assertArrayEquals(t.encode(forms.get(k)), enc.get(k).ids());
    }
  }

  @Test
  void aDeadlineStopsTheFormsBetweenPieces() {
    String text = "The committee adopted the report.\n\n".repeat(2000);
    List<String> forms = forms(text);
    assertThrows(
        DeadlineExceededException.class,
        () -> FormSpans.encode(Tokenizers.cl100kBase(), forms, () -> true));
    int[] checks = {0};
    FormSpans.encode(Tokenizers.cl100kBase(), forms, () -> ++checks[0] < 0);
    assertTrue(checks[0] > 20, "checked " + checks[0] + " times");
  }

  /**
   * Cut rules a little looser than {@link SafeSplits}'s, each unsafe for the tokenizer named:
   * inside a word, between a space or a punctuation mark and the word after it, and, for o200k
   * (whose words take marks and contractions), before a mark or an apostrophe. (Before a digit or a
   * line break SafeSplits is stricter than cl100k needs, so those are not listed.) The property
   * above must find a text on which each gives ids a full encode does not.
   */
  @ParameterizedTest
  @CsvSource({
    "midWord, cl100k_base",
    "midWord, o200k_base",
    "beforeWord, cl100k_base",
    "beforeWord, o200k_base",
    "apostrophe, o200k_base",
    "mark, o200k_base"
  })
  void aLooserCutRuleIsCaught(String loosening, String name) {
    BiPredicate<CharSequence, Integer> extra =
        switch (loosening) {
          case "midWord" ->
              (s, p) -> Character.isLetter(s.charAt(p - 1)) && Character.isLetter(s.charAt(p));
          case "beforeWord" ->
              (s, p) -> !Character.isLetter(s.charAt(p - 1)) && Character.isLetter(s.charAt(p));
          case "apostrophe" -> (s, p) -> Character.isLetter(s.charAt(p - 1)) && s.charAt(p) == '\'';
          default ->
              (s, p) ->
                  Character.isLetter(s.charAt(p - 1))
                      && Character.getType(s.charAt(p)) == Character.NON_SPACING_MARK;
        };
    Tokenizer loose = new LooseCuts(Tokenizers.byName(name), extra);
    Gen<String> texts = AttackedTexts.texts(80);
    assertThrows(
        AssertionError.class,
        () ->
            qt().withFixedSeed(0x5BA9_0003L + name.hashCode())
                .withExamples(3000)
                .withShrinkCycles(0)
                .forAll(texts)
                .checkAssert(text -> checkForms(loose, text)),
        loosening + " cuts for " + name);
  }

  /** A tokenizer that also cuts where {@code extra} says. */
  private record LooseCuts(Tokenizer t, BiPredicate<CharSequence, Integer> extra)
      implements Tokenizer {
    @Override
    public String name() {
      return t.name();
    }

    @Override
    public int vocabSize() {
      return t.vocabSize();
    }

    @Override
    public int[] encode(String text) {
      return t.encode(text);
    }

    @Override
    public boolean isSafeCut(CharSequence text, int p) {
      return t.isSafeCut(text, p) || (p > 0 && p < text.length() && extra.test(text, p));
    }

    @Override
    public String decode(int[] ids, int off, int len) {
      return t.decode(ids, off, len);
    }
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints()
        .forEach(
            cp -> {
              if (cp >= 0x20 && cp < 0x7F) {
                b.append((char) cp);
              } else {
                b.append(String.format("\\u{%X}", cp));
              }
            });
    return b.toString();
  }
}
