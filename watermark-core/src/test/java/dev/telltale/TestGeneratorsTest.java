package dev.telltale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The shared generators reach what the properties rely on them for: supplementary characters,
 * combining marks and carrier characters in text, invalid as well as valid damaged UTF-8, and
 * doubles of every magnitude.
 */
class TestGeneratorsTest {
  private static <T> List<T> sample(Gen<T> gen, int n) {
    List<T> out = new ArrayList<>();
    qt().withFixedSeed(7).withExamples(n).forAll(gen).checkAssert(out::add);
    return out;
  }

  private static boolean validUtf8(byte[] b) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  @Test
  void unicodeStringsReachEveryPoolAndNeverHoldALoneSurrogate() {
    List<String> strings = sample(TestGenerators.unicodeStrings(60), 1000);
    // QuickTheories never runs the same input twice: a few of the 1000 draws are repeats
    assertTrue(strings.size() > 950, "distinct " + strings.size());
    long supplementary =
        strings.stream().filter(s -> s.codePoints().anyMatch(c -> c > 0xFFFF)).count();
    long combining =
        strings.stream()
            .filter(s -> s.codePoints().anyMatch(c -> c >= 0x300 && c <= 0x36F))
            .count();
    long carrier =
        strings.stream()
            .filter(s -> s.codePoints().anyMatch(c -> c == 0xFEFF || (c >= 0xFE00 && c <= 0xFE0F)))
            .count();
    long empty = strings.stream().filter(String::isEmpty).count();
    assertTrue(supplementary > 300, "supplementary " + supplementary);
    assertTrue(combining > 300, "combining " + combining);
    assertTrue(carrier > 20, "carrier " + carrier);
    assertTrue(empty > 0, "empty " + empty);
    for (String s : strings) {
      assertTrue(validUtf8(s.getBytes(StandardCharsets.UTF_8)) || s.isEmpty(), s);
      assertEquals(s, new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
    }
  }

  @Test
  void damagedUtf8IsMostlyInvalidButNotAlways() {
    List<byte[]> damaged = sample(TestGenerators.damagedUtf8(40), 1000);
    long invalid = damaged.stream().filter(b -> !validUtf8(b)).count();
    assertTrue(invalid > 500 && invalid < 1000, "invalid " + invalid);
  }

  @Test
  void finiteDoublesSpanEveryMagnitude() {
    List<Double> ds = sample(TestGenerators.finiteDoubles(), 2000);
    assertTrue(ds.stream().allMatch(Double::isFinite));
    assertTrue(ds.stream().anyMatch(d -> d != 0 && Math.abs(d) < Double.MIN_NORMAL), "subnormal");
    assertTrue(ds.stream().anyMatch(d -> Math.abs(d) > 1e300), "huge");
    assertTrue(ds.stream().anyMatch(d -> d != 0 && Math.abs(d) < 1e-300), "tiny");
    assertTrue(ds.stream().anyMatch(d -> d < 0), "negative");
    assertTrue(ds.stream().anyMatch(d -> d == Math.rint(d) && Math.abs(d) > 1e15), "integers");
    assertTrue(ds.stream().anyMatch(d -> Double.toString(d).length() <= 6), "short decimals");
    assertFalse(ds.stream().distinct().count() < 1500, "distinct");
  }
}
