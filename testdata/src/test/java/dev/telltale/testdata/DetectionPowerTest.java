package dev.telltale.testdata;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.detect.Detection;
import dev.telltale.detect.DetectionPolicy;
import dev.telltale.detect.Detector;
import dev.telltale.embed.Watermarker;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.scheme.WatermarkParameters;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Detection power on real generated text: 200-token teacher generations from held-out prompts, each
 * with its own key, re-tokenized from text as a suspect text would be.
 */
class DetectionPowerTest {
  static final int TEXTS = 200;
  static final int TOKENS = 200;
  static final double LEVEL = 1e-3;
  static TeacherGenerator teacher;
  static List<int[]> prompts;

  @BeforeAll
  static void setUp() {
    teacher = TeacherGenerator.defaultTeacher();
    prompts = teacher.heldOutPrompts(TEXTS, 8);
  }

  record Sample(WatermarkKey key, WatermarkKey otherKey, String text) {}

  static List<Sample> generate(WatermarkParameters params, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Sample> out = new ArrayList<>();
    for (int i = 0; i < TEXTS; i++) {
      WatermarkKey key = NullCalibrationTest.randomKey(r, params);
      WatermarkKey other = NullCalibrationTest.randomKey(r, params);
      String text =
          teacher
              .generate(
                  prompts.get(i),
                  TOKENS,
                  SamplingParams.defaults(),
                  r.nextLong(),
                  Watermarker.of(key))
              .text();
      out.add(new Sample(key, other, text));
    }
    return out;
  }

  static double detectedShare(
      List<Sample> samples, boolean rightKey, java.util.function.UnaryOperator<String> edit) {
    int detected = 0;
    for (Sample s : samples) {
      WatermarkKey k = rightKey ? s.key() : s.otherKey();
      Detection d =
          Detector.of(k, teacher.tokenizer(), DetectionPolicy.defaults())
              .detectText(edit.apply(s.text()));
      if (d.pValue() <= LEVEL) {
        detected++;
      }
    }
    return detected / (double) samples.size();
  }

  @Test
  void greenListGenerationsAreDetectedAndOtherKeysFindNothing() {
    List<Sample> samples = generate(GreenListParameters.defaults(), 11);
    double power = detectedShare(samples, true, t -> t);
    double wrongKey = detectedShare(samples, false, t -> t);
    // what real text goes through: surrounding whitespace, NFD/NFC, a substring
    double padded = detectedShare(samples, true, t -> "\n\t  " + t + "  \r\n");
    double nfd = detectedShare(samples, true, t -> Normalizer.normalize(t, Normalizer.Form.NFD));
    double substring =
        detectedShare(samples, true, t -> t.substring(t.length() / 5, t.length() - t.length() / 5));
    System.out.printf(
        "power kgw delta 2, %d tokens, p <= %.0e: %.3f; wrong key %.3f; padded %.3f; NFD %.3f;"
            + " middle 60%% substring %.3f%n",
        TOKENS, LEVEL, power, wrongKey, padded, nfd, substring);
    assertTrue(power >= 0.95, "power " + power);
    assertTrue(wrongKey <= 0.01, "wrong key " + wrongKey);
    assertTrue(padded >= 0.95, "padded " + padded);
    assertTrue(nfd >= 0.95, "nfd " + nfd);
    assertTrue(substring >= 0.85, "substring " + substring);
  }

  @Test
  void gumbelGenerationsAreDetectedAndOtherKeysFindNothing() {
    List<Sample> samples = generate(GumbelParameters.defaults(), 12);
    double power = detectedShare(samples, true, t -> t);
    double wrongKey = detectedShare(samples, false, t -> t);
    double substring =
        detectedShare(samples, true, t -> t.substring(t.length() / 5, t.length() - t.length() / 5));
    System.out.printf(
        "power gumbel, %d tokens, p <= %.0e: %.3f; wrong key %.3f; middle 60%% substring %.3f%n",
        TOKENS, LEVEL, power, wrongKey, substring);
    assertTrue(power >= 0.95, "power " + power);
    assertTrue(wrongKey <= 0.01, "wrong key " + wrongKey);
    assertTrue(substring >= 0.85, "substring " + substring);
  }
}
