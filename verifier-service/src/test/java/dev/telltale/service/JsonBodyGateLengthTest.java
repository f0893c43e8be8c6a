package dev.telltale.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.strings;

import org.junit.jupiter.api.Test;

/** The Content-Length form check without a regex accepts exactly what {@code \d{1,18}} does. */
class JsonBodyGateLengthTest {
  @Test
  void acceptsWhatTheRegexAccepts() {
    qt().withFixedSeed(0x1E6L)
        .withExamples(2000)
        .forAll(strings().betweenCodePoints('+', 0x0669).ofLengthBetween(0, 20))
        .checkAssert(s -> assertEquals(s.matches("\\d{1,18}"), JsonBodyGate.isLength(s), s));
    qt().withFixedSeed(0x1E7L)
        .withExamples(500)
        .forAll(
            strings().betweenCodePoints('0', '9').ofLengthBetween(0, 22), integers().between(0, 1))
        .checkAssert(
            (s, pad) -> {
              String t = pad == 0 ? s : " " + s;
              assertEquals(t.matches("\\d{1,18}"), JsonBodyGate.isLength(t), t);
            });
  }
}
