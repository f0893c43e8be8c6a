package dev.telltale.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.quicktheories.QuickTheory.qt;

import dev.telltale.TestGenerators;
import org.junit.jupiter.api.Test;

/**
 * {@link DetectionNormalizer#hardenedForms} gives the two hardened forms the reference normaliser
 * (the code before it, {@link DetectionNormalizerReference}) gives, and so do the public steps.
 */
class HardenedFormsTest {
  static void check(String text) {
    String basic = NormalForm.BASIC.apply(text);
    String[] forms = DetectionNormalizer.hardenedForms(basic);
    String why = FormSpansTest.escape(text);
    assertEquals(DetectionNormalizerReference.normalize(text), forms[0], why);
    assertEquals(DetectionNormalizerReference.normalizeKeepingLines(text), forms[1], why);
    assertEquals(forms[0], NormalForm.HARDENED.apply(text), why);
    assertEquals(forms[1], NormalForm.HARDENED_LINES.apply(text), why);
    assertEquals(
        DetectionNormalizerReference.removeIgnorables(text),
        DetectionNormalizer.removeIgnorables(text),
        why);
    assertEquals(
        DetectionNormalizerReference.foldConfusables(text),
        DetectionNormalizer.foldConfusables(text),
        why);
    assertEquals(
        DetectionNormalizerReference.collapseWhitespace(text),
        DetectionNormalizer.collapseBothWays(text)[0],
        why);
    assertEquals(
        DetectionNormalizerReference.collapseWhitespaceKeepingLines(text),
        DetectionNormalizer.collapseBothWays(text)[1],
        why);
  }

  @Test
  void attackedTextsGetTheReferenceForms() {
    qt().withFixedSeed(0x4A8D_0001L)
        .withExamples(4000)
        .forAll(AttackedTexts.texts(60))
        .checkAssert(HardenedFormsTest::check);
  }

  @Test
  void arbitraryUnicodeGetsTheReferenceForms() {
    qt().withFixedSeed(0x4A8D_0002L)
        .withExamples(4000)
        .forAll(TestGenerators.unicodeStrings(60))
        .checkAssert(HardenedFormsTest::check);
  }

  @Test
  void longTextsGetTheReferenceForms() {
    qt().withFixedSeed(0x4A8D_0003L)
        .withExamples(200)
        .forAll(AttackedTexts.longTexts())
        .checkAssert(HardenedFormsTest::check);
  }

  @Test
  void aFormThatChangesNothingIsTheBasicString() {
    String plain = "A plain sentence, with one space between words.";
    String[] forms = DetectionNormalizer.hardenedForms(plain);
    assertSame(plain, forms[0]);
    assertSame(plain, forms[1]);
    String lines = "Line one\nline two caf\u00e9";
    String[] f = DetectionNormalizer.hardenedForms(lines);
    assertEquals("Line one line two caf\u00e9", f[0]);
    assertSame(lines, f[1]);
  }
}
