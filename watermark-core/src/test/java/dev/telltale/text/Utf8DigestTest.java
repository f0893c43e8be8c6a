package dev.telltale.text;

import static dev.telltale.TestGenerators.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The streamed digest equals the digest of {@code getBytes(UTF_8)}, lone surrogates included. */
class Utf8DigestTest {
  private static String expected(String text) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void equalsTheDigestOfTheWholeUtf8() throws Exception {
    // code units of every width, lone surrogates among them; lengths past the 8 KB buffer
    qt().withFixedSeed(0x5A256L)
        .withExamples(300)
        .forAll(
            strings(
                integers()
                    .between(0, 6)
                    .map(k -> new int[] {'a', 0xE9, 0x4E2D, 0x1F600, 0xD800, 0xDC00, ' '}[k]),
                0,
                6000))
        .checkAssert(
            t -> {
              try {
                assertEquals(expected(t), Utf8Digest.sha256Hex(t));
              } catch (Exception e) {
                throw new AssertionError(e);
              }
            });
    assertEquals(expected(""), Utf8Digest.sha256Hex(""));
  }
}
