package dev.telltale.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.telltale.TestGenerators;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;

/**
 * {@link StrictUtf8#plain} accepts exactly the bytes the JDK's strict decoder accepts, less those
 * with a NUL byte or a leading byte order mark, wherever they sit in the array.
 */
class StrictUtf8Test {
  private static boolean expected(byte[] a) {
    for (byte b : a) {
      if (b == 0) {
        return false;
      }
    }
    if (a.length >= 3 && a[0] == (byte) 0xEF && a[1] == (byte) 0xBB && a[2] == (byte) 0xBF) {
      return false;
    }
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(a));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /** {@code a} checked in place inside a larger array, at offset {@code pad}. */
  private static boolean plainAt(byte[] a, int pad) {
    byte[] big = new byte[pad + a.length + 7];
    Arrays.fill(big, (byte) 0xFF); // bytes outside the range would fail the check if read
    System.arraycopy(a, 0, big, pad, a.length);
    return StrictUtf8.plain(big, pad, a.length);
  }

  @Test
  void agreesWithTheStrictDecoderOnRandomAndDamagedBytes() {
    qt().withFixedSeed(0x5757L)
        .withExamples(5000)
        .forAll(
            Generate.oneOf(
                TestGenerators.damagedUtf8(40),
                TestGenerators.bytes(40),
                TestGenerators.unicodeStrings(60).map(s -> s.getBytes(StandardCharsets.UTF_8)),
                TestGenerators.unicodeStrings(30)
                    .map(s -> ("\uFEFF" + s).getBytes(StandardCharsets.UTF_8))),
            integers().between(0, 9))
        .checkAssert((a, pad) -> assertEquals(expected(a), plainAt(a, pad), Arrays.toString(a)));
  }

  @Test
  void everyLeadAndSecondByteAfterAsciiRunsOfEveryLength() {
    byte[][] tails = {{(byte) 0x80, (byte) 0x80}, {(byte) 0xBF, (byte) 0xBF}, {0x41, 0x41}, {}};
    int checked = 0;
    for (int ascii = 0; ascii <= 17; ascii += ascii < 9 ? 1 : 8) {
      for (int lead = 0; lead < 256; lead++) {
        for (int second = 0; second < 256; second++) {
          for (byte[] tail : tails) {
            byte[] a = new byte[ascii + 2 + tail.length];
            Arrays.fill(a, 0, ascii, (byte) 'a');
            a[ascii] = (byte) lead;
            a[ascii + 1] = (byte) second;
            System.arraycopy(tail, 0, a, ascii + 2, tail.length);
            boolean want = expected(a);
            if (want != plainAt(a, ascii % 5)) {
              assertEquals(want, plainAt(a, ascii % 5), Arrays.toString(a));
            }
            checked++;
          }
        }
      }
    }
    assertEquals(11 * 256 * 256 * 4, checked);
  }
}
