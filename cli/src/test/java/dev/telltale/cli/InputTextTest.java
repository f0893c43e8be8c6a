package dev.telltale.cli;

import static dev.telltale.TestGenerators.bytes;
import static dev.telltale.TestGenerators.damagedUtf8;
import static dev.telltale.TestGenerators.unicodeStrings;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

class InputTextTest {
  private static final Pattern OFFSET = Pattern.compile("malformed byte at offset (\\d+)");

  /**
   * Valid UTF-8 exactly when the JDK's lenient decoder (which replaces malformed input) and its
   * encoder give the bytes back: an oracle independent of the strict decoder under test.
   */
  private static boolean validUtf8(byte[] bytes) {
    return Arrays.equals(
        bytes, new String(bytes, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void decodingEitherSucceedsOrReportsBadInput() {
    Gen<byte[]> inputs =
        Generate.oneOf(
            bytes(255),
            damagedUtf8(100),
            unicodeStrings(100).map(s -> s.getBytes(StandardCharsets.UTF_8)));
    qt().withFixedSeed(0x1A9C7E47L)
        .withExamples(1000)
        .forAll(inputs)
        .checkAssert(
            bytes -> {
              if (validUtf8(bytes)) {
                assertEquals(
                    new String(bytes, StandardCharsets.UTF_8), InputText.decodeUtf8(bytes, "test"));
              } else {
                invalidIsReported(bytes);
              }
            });
  }

  private static void invalidIsReported(byte[] bytes) {
    BadInputException e =
        assertThrows(BadInputException.class, () -> InputText.decodeUtf8(bytes, "test"));
    assertTrue(e.getMessage().startsWith("test is not valid UTF-8"), e.getMessage());
    Matcher m = OFFSET.matcher(e.getMessage());
    if (m.find()) {
      // everything before the reported offset is valid
      int offset = Integer.parseInt(m.group(1));
      assertTrue(offset < bytes.length, e.getMessage());
      assertTrue(validUtf8(Arrays.copyOf(bytes, offset)), e.getMessage());
    }
  }

  @Test
  void validUtf8RoundTrips() {
    qt().withFixedSeed(0x1A9C7E48L)
        .withExamples(300)
        .forAll(unicodeStrings(255))
        .checkAssert(
            text -> {
              byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
              String back = InputText.decodeUtf8(bytes, "test");
              assertEquals(text, back);
              assertArrayEquals(bytes, back.getBytes(StandardCharsets.UTF_8));
            });
  }
}
