package dev.telltale.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.strings;

import org.junit.jupiter.api.Test;

class DetectionNormalizerTest {
  @Test
  void removesInvisibleCharacters() {
    String invisible =
        "The\u200B Com\u200Dmis\u00ADsion\u2060 has\u200E \u202Eadopted\u202C"
            + " \uDB40\uDC41the\uFE0F \u180Ereport\uDB40\uDD00.";
    assertEquals(
        "The Commission has adopted the report.", DetectionNormalizer.normalize(invisible));
  }

  @Test
  void foldsLookAlikesToTheScriptOfTheirWord() {
    // Cyrillic а, е, о and Greek ο, ν inside Latin words; a lone Cyrillic "а"; bold-math "e"
    String spoofed = "Th\u0435 C\u043emmissi\u03bfn h\u0430s a\u03bdopted \u0430 r\uD835\uDC1Eport";
    assertEquals("The Commission has avopted a report", DetectionNormalizer.normalize(spoofed));
  }

  @Test
  void keepsGenuineTextOfOtherScriptsAndAsciiLookAlikes() {
    String russian = "Комиссия приняла доклад";
    assertEquals(russian, DetectionNormalizer.normalize(russian));
    String greek = "Η Επιτροπή ενέκρινε την έκθεση";
    assertEquals(greek, DetectionNormalizer.normalize(greek));
    // ASCII is never folded: "rn" stays, "0" and "1" stay, "I" and "l" stay.
    String ascii = "modern 10 Ill";
    assertSame(ascii, DetectionNormalizer.normalize(ascii));
  }

  @Test
  void foldsCapitalLookAlikesToTheCapital() {
    // Cyrillic І and Greek Ι have the skeleton "l" but are capitals: they fold to "I".
    assertEquals("In It", DetectionNormalizer.normalize("\u0406n \u0399t"));
  }

  @Test
  void collapsesWhitespaceRuns() {
    assertEquals("a b c d e", DetectionNormalizer.normalize(" a  b\tc\n\nd\u00a0e \u2028"));
  }

  @Test
  void isIdempotent() {
    qt().withFixedSeed(16)
        .withExamples(2000)
        .forAll(strings().allPossible().ofLengthBetween(0, 40))
        .checkAssert(
            s -> {
              String once = DetectionNormalizer.normalize(s);
              assertEquals(once, DetectionNormalizer.normalize(once));
            });
  }
}
