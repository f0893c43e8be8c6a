package dev.telltale.evidence.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PValueWordsTest {
  private static String chance(double log10) {
    return PValueWords.chance(Math.max(Math.pow(10, log10), 1e-300), log10);
  }

  @Test
  void tinyPValuesAreAPowerOfTenFromTheLogarithm() {
    assertEquals("below 1 in 10^23", chance(Math.log10(3.2e-24)));
    assertEquals("below 1 in 10^4", chance(-4));
    assertEquals("below 1 in 10^6", chance(Math.log10(9.9e-7)));
    // Below the double floor p is 1e-300, but log10 still tells the size.
    assertEquals("below 1 in 10^1234", chance(-1234.7));
  }

  @Test
  void moderatePValuesAreOneInN() {
    assertEquals("about 1 in 1,200", chance(Math.log10(8.1e-4)));
    assertEquals("about 1 in 81", chance(Math.log10(0.0123)));
    assertEquals("about 1 in 5", chance(Math.log10(0.2)));
    assertEquals("about 1 in 2", chance(Math.log10(0.4999)));
  }

  @Test
  void largePValuesSayTheScoreIsUnremarkable() {
    assertEquals("about 50%", chance(Math.log10(0.5)));
    assertEquals("about 73%", chance(Math.log10(0.73)));
    assertEquals("practically certain", chance(0));
  }

  @Test
  void scientificFormAcrossMagnitudes() {
    assertEquals("1", PValueWords.scientific(0));
    assertEquals("0.0123", PValueWords.scientific(Math.log10(0.0123)));
    assertEquals("3.2 \u00d7 10^-24", PValueWords.scientific(Math.log10(3.2e-24)));
    assertEquals("1.0 \u00d7 10^-5", PValueWords.scientific(-5));
    assertEquals("2.0 \u00d7 10^-1235", PValueWords.scientific(-1234.7));
  }

  @Test
  void notAPValueIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> PValueWords.chance(2, 0.3));
    assertThrows(IllegalArgumentException.class, () -> PValueWords.chance(Double.NaN, Double.NaN));
  }

  @Test
  void powersBecomeSuperscriptsOnlyAfterEscaping() {
    assertEquals(
        "below 1 in 10<sup>23</sup> &lt;b&gt;", Html.powers(Html.escape("below 1 in 10^23 <b>")));
    assertEquals("10<sup>\u221224</sup>", Html.powers("10^-24"));
  }

  @Test
  void significanceLevelsAreWrittenAsPeopleWriteThem() {
    assertEquals("0.01", Html.level(0.01));
    assertEquals("0.05", Html.level(0.05));
    assertEquals("10^-6", Html.level(1e-6));
    assertEquals("5 \u00d7 10^-8", Html.level(5e-8));
    assertEquals("2.5 \u00d7 10^-4", Html.level(2.5e-4));
  }
}
