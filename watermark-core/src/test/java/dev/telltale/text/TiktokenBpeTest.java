package dev.telltale.text;

import static dev.telltale.TestGenerators.strings;
import static dev.telltale.TestGenerators.unicodeStrings;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Telltale's cl100k_base encoder gives jtokkit's ids on every kind of text: random Unicode, text
 * built from the characters the split pattern treats specially, single pieces long enough for the
 * heap merge, and every token of the vocabulary on its own.
 */
class TiktokenBpeTest {
  private static final Encoding JTOKKIT =
      Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
  private static final TiktokenBpe BPE = TiktokenBpe.cl100kBase();

  /** Characters the pattern's alternatives turn on, a few multi-byte letters, marks and digits. */
  private static final String SPECIAL =
      "aZ09'sStTmMdDrReEvVlL \t\r\n\u000B\f\u00A0\u2009\u3000\u0085.,!?-()\"\u017F\u00E9\u0301"
          + "\u4E2D\u0661\u00BD\u2167\u200D\uFEFF\u0000\u007F\u00FF\u0100";

  /**
   * jtokkit as a serving stack runs it, with assertions off: tests run with {@code -ea}, and
   * jtokkit asserts that its input is valid UTF-16, where in production it writes a lone surrogate
   * as a three-byte sequence and encodes on. Loaded in a class loader of its own so that the
   * setting holds whatever loaded jtokkit before.
   */
  private static final java.util.function.Function<String, int[]> JTOKKIT_IN_PRODUCTION =
      jtokkitWithoutAssertions();

  private static java.util.function.Function<String, int[]> jtokkitWithoutAssertions() {
    try {
      java.net.URL jar = Encodings.class.getProtectionDomain().getCodeSource().getLocation();
      java.net.URLClassLoader loader =
          new java.net.URLClassLoader(
              new java.net.URL[] {jar}, ClassLoader.getPlatformClassLoader());
      loader.setDefaultAssertionStatus(false);
      Class<?> encodings = loader.loadClass("com.knuddels.jtokkit.Encodings");
      Object registry = encodings.getMethod("newLazyEncodingRegistry").invoke(null);
      Class<?> type = loader.loadClass("com.knuddels.jtokkit.api.EncodingType");
      Object cl100k = type.getField("CL100K_BASE").get(null);
      Object encoding =
          loader
              .loadClass("com.knuddels.jtokkit.api.EncodingRegistry")
              .getMethod("getEncoding", type)
              .invoke(registry, cl100k);
      java.lang.reflect.Method encode =
          loader
              .loadClass("com.knuddels.jtokkit.api.Encoding")
              .getMethod("encodeOrdinary", String.class);
      java.lang.reflect.Method toArray =
          loader.loadClass("com.knuddels.jtokkit.api.IntArrayList").getMethod("toArray");
      return text -> {
        try {
          return (int[]) toArray.invoke(encode.invoke(encoding, text));
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      };
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int[] jtokkit(String text) {
    return JTOKKIT_IN_PRODUCTION.apply(text);
  }

  private static void assertSameIds(String text) {
    assertArrayEquals(jtokkit(text), BPE.encode(text), () -> "text: " + escape(text));
  }

  private static String escape(String s) {
    StringBuilder sb = new StringBuilder();
    s.codePoints()
        .limit(200)
        .forEach(
            cp -> {
              if (cp >= 0x20 && cp < 0x7F) {
                sb.appendCodePoint(cp);
              } else {
                sb.append(String.format("\\u{%X}", cp));
              }
            });
    return sb.toString();
  }

  private static Gen<String> specialText(int max) {
    return strings(
        integers()
            .between(0, SPECIAL.length() + 1)
            .map(
                i ->
                    i < SPECIAL.length()
                        ? (int) SPECIAL.charAt(i)
                        : i == SPECIAL.length() ? 0x1F600 : 0xD800),
        0,
        max);
  }

  @Test
  void randomUnicodeTextGivesJtokkitsIds() {
    qt().withFixedSeed(0x7B9E1L)
        .withExamples(3000)
        .forAll(unicodeStrings(300))
        .checkAssert(TiktokenBpeTest::assertSameIds);
  }

  @Test
  void textOfThePatternsSpecialCharactersGivesJtokkitsIds() {
    qt().withFixedSeed(0x7B9E2L)
        .withExamples(5000)
        .forAll(specialText(60))
        .checkAssert(TiktokenBpeTest::assertSameIds);
  }

  @Test
  void loneSurrogatesAreEncodedAsJtokkitEncodesThem() {
    for (String text :
        new String[] {
          "\uD800",
          "a\uDC00b",
          "\uDBFF\uDBFF",
          "x\uD83D",
          "\uDE00 y",
          "'\uD800s",
          "\uD800\uD800\uDC00"
        }) {
      assertSameIds(text);
    }
  }

  /**
   * Pieces longer than the scan limit (letter runs, symbol runs, digits and spaces between them) go
   * through the heap merge; it must merge in tiktoken's order, ties to the leftmost.
   */
  @Test
  void longPiecesMergeInTiktokensOrder() {
    Random random = new Random(0x7B9E3L);
    String[] alphabets = {
      "ab",
      "abc",
      "etaoinshrdlu",
      "aaaaaaab",
      "\u00E9\u00E8a",
      "\u4E2D\u6587\u5B57",
      ".-_=*#",
      "!!??..",
      "xyzXYZ\u00DF"
    };
    for (int k = 0; k < 400; k++) {
      String alphabet = alphabets[k % alphabets.length];
      int n = TiktokenBpe.SCAN_LIMIT / 2 + random.nextInt(k < 360 ? 400 : 6000);
      StringBuilder sb = new StringBuilder(n);
      for (int i = 0; i < n; i++) {
        sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      assertSameIds(sb.toString());
      assertSameIds(" " + sb);
    }
    // runs of one repeated character: every pair ties
    for (String unit : new String[] {"a", "ab", "=", "\u00E9", "\uD83D\uDE00"}) {
      for (int n : new int[] {TiktokenBpe.SCAN_LIMIT, TiktokenBpe.SCAN_LIMIT + 1, 500, 3001}) {
        assertSameIds(unit.repeat(n));
      }
    }
  }

  /** Every token's bytes, as a text where they are valid UTF-8, and as a lookup everywhere. */
  @Test
  void everyTokenIsFoundByItsBytes() {
    int checkedAsText = 0;
    for (int rank = 0; rank < BPE.size(); rank++) {
      byte[] b = BPE.bytes(rank);
      assertEquals(rank, BPE.lookup(b, 0, b.length), "rank " + rank);
      byte[] shifted = new byte[b.length + 3];
      System.arraycopy(b, 0, shifted, 3, b.length);
      assertEquals(rank, BPE.lookup(shifted, 3, b.length), "rank " + rank + " at an offset");
      IntArrayList one = new IntArrayList();
      one.add(rank);
      String text = JTOKKIT.decode(one);
      if (!text.contains("\uFFFD")) {
        assertSameIds(text);
        checkedAsText++;
      }
    }
    assertTrue(checkedAsText > 95_000, "tokens checked as text: " + checkedAsText);
    assertEquals(-1, BPE.lookup(new byte[] {'z', 'q', 'x', 'j', 'v', 'w', 'k', 'q'}, 0, 8));
  }

  @Test
  void tokenizerByNameUsesThisEncoderAndKeepsJtokkitsIds() {
    String text = "Hello world, it's 12345 o'clock.\n\n  Done\u00E9!";
    assertArrayEquals(jtokkit(text), Tokenizers.cl100kBase().encode(text));
    assertArrayEquals(new int[0], BPE.encode(""));
  }
}
