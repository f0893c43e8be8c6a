package dev.telltale.text;

import static dev.telltale.TestGenerators.unicodeStrings;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import org.junit.jupiter.api.Test;

class TokenizersTest {
  @Test
  void knownEncodingsHaveTheirVocabularySizes() {
    assertEquals(100_277, Tokenizers.cl100kBase().vocabSize());
    assertEquals(200_019, Tokenizers.o200kBase().vocabSize());
    // reference ids of tiktoken's cl100k_base
    assertArrayEquals(new int[] {9906, 1917}, Tokenizers.cl100kBase().encode("Hello world"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Tokenizers.byName("gpt2"));
    assertTrue(e.getMessage().contains("cl100k_base"));
  }

  @Test
  void encodeThenDecodeGivesTheTextBack() {
    qt().withFixedSeed(0x70CE2001L)
        .withExamples(200)
        .forAll(unicodeStrings(255))
        .checkAssert(
            text -> {
              for (Tokenizer t :
                  new Tokenizer[] {Tokenizers.cl100kBase(), Tokenizers.o200kBase()}) {
                int[] ids = t.encode(text);
                assertEquals(text, t.decode(ids));
                for (int id : ids) {
                  assertTrue(id >= 0 && id < t.vocabSize());
                }
              }
            });
  }

  @Test
  void normalizationRemovesCarrierCharactersAndComposes() {
    String decomposed = "Cafe\u0301 \uFEFF\uFE0F\uDB40\uDD00 \r\n";
    assertEquals("Caf\u00e9", TextNormalizer.normalize(decomposed));
    assertEquals("a\nb", TextNormalizer.normalize("a\r\nb"));
    String plain = "plain text";
    assertTrue(plain == TextNormalizer.stripCarrier(plain));
  }
}
