package dev.telltale.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.telltale.text.Tokenizers;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The spread check's detector is kept between requests at the default alpha (creating it derives
 * the key's subkeys), and a kept one answers exactly as a fresh engine does.
 */
class DetectionEngineCacheTest {
  private static DetectionEngine.Request text(String text, double alpha) {
    return new DetectionEngine.Request(
        Optional.of(text),
        Optional.empty(),
        new int[0],
        Optional.empty(),
        false,
        alpha,
        Tokenizers.CL100K_BASE,
        false);
  }

  @Test
  void theSpreadDetectorIsKeptAtTheDefaultAlphaOnly() {
    String text = Fixtures.watermarkedText();
    double alpha = dev.telltale.detect.DetectionPolicy.DEFAULT_ALPHA;
    DetectionEngine engine = new DetectionEngine(Fixtures.KEYS, 100_000);
    DetectionEngine.Outcome first = engine.detect(text(text, alpha));
    DetectionEngine.Outcome second = engine.detect(text(text, alpha));
    assertEquals(1, engine.spreadDetectorsKept());
    assertEquals(first.json(), second.json());
    assertEquals(
        new DetectionEngine(Fixtures.KEYS, 100_000).detect(text(text, alpha)).json(),
        second.json());
    // Another alpha gets a fresh detector, as the key-set detector does.
    DetectionEngine.Outcome other = engine.detect(text(text, 1e-3));
    assertEquals(1, engine.spreadDetectorsKept());
    assertEquals(
        new DetectionEngine(Fixtures.KEYS, 100_000).detect(text(text, 1e-3)).json(), other.json());
  }
}
