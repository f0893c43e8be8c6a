package dev.telltale.testdata.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.telltale.detect.DetectionPolicy;
import dev.telltale.detect.Detector;
import dev.telltale.embed.Watermarker;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.testdata.SamplingParams;
import dev.telltale.testdata.TeacherGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link Detector#detectText}, the path the CLI, service and scans take, sees through invisible
 * characters, homoglyphs and whitespace changes: each attacked text is detected at p <= 1e-6 as the
 * clean one is. (Before the hardened normal form, most of these texts were not detected.)
 */
class DetectTextHardeningTest {
  static final int TEXTS = 12;
  static TeacherGenerator teacher;
  static WatermarkKey key;
  static List<String> texts = new ArrayList<>();

  @BeforeAll
  static void generate() {
    teacher = TeacherGenerator.defaultTeacher();
    key = RobustnessFloorsTest.key("kgw-hardening", GreenListParameters.defaults(), 3);
    List<int[]> prompts = teacher.heldOutPrompts(TEXTS, 8);
    for (int i = 0; i < TEXTS; i++) {
      texts.add(
          teacher
              .generate(prompts.get(i), 200, SamplingParams.defaults(), i, Watermarker.of(key))
              .text());
    }
  }

  static int missed(Attack a) {
    Detector d = Detector.of(key, teacher.tokenizer(), DetectionPolicy.defaults());
    SplittableRandom r = new SplittableRandom(7);
    int missed = 0;
    for (String t : texts) {
      if (d.detectText(a.apply(t, r.split())).pValue() > 1e-6) {
        missed++;
      }
    }
    return missed;
  }

  @Test
  void cleanTextsAreDetected() {
    assertEquals(0, missed(Attack.none()));
  }

  @Test
  void zeroWidthSpacesAfterSpaces() {
    assertEquals(
        0, missed(new InvisibleCharacters(InvisibleCharacters.Placement.AFTER_SPACE, 0.5, 0x200B)));
  }

  @Test
  void mixedInvisibleCharactersInsideWords() {
    assertEquals(
        0, missed(new InvisibleCharacters(InvisibleCharacters.Placement.INSIDE_WORD, 0.2)));
  }

  @Test
  void homoglyphs() {
    assertEquals(0, missed(new Homoglyphs(0.1)));
  }

  @Test
  void lineBreaksAndDoubleSpaces() {
    assertEquals(0, missed(new WhitespaceChange(0.5)));
  }
}
