package dev.telltale.testdata.attack;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.detect.Detection;
import dev.telltale.detect.DetectionPolicy;
import dev.telltale.detect.Detector;
import dev.telltale.embed.Watermarker;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.scheme.WatermarkParameters;
import dev.telltale.testdata.EuroparlCorpus;
import dev.telltale.testdata.SamplingParams;
import dev.telltale.testdata.TeacherGenerator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The window search finds a 200-token watermarked passage pasted into 2,000 tokens (10 %). */
class PastedPassageWindowTest {
  static final int TEXTS = 20;

  @Test
  void tenPercentShareInTwoThousandTokens() {
    TeacherGenerator teacher = TeacherGenerator.defaultTeacher();
    List<String> held = EuroparlCorpus.load().heldOut();
    CopyPasteDilution paste =
        new CopyPasteDilution(teacher.tokenizer(), held.subList(held.size() / 2, held.size()), 0.1);
    List<int[]> prompts = teacher.heldOutPrompts(TEXTS, 8);
    for (WatermarkParameters p :
        List.of(GreenListParameters.defaults(), GumbelParameters.defaults())) {
      WatermarkKey key = RobustnessFloorsTest.key("paste-" + p.schemeName(), p, 31);
      Detector windowed =
          Detector.of(key, teacher.tokenizer(), DetectionPolicy.defaults().withWindow(true));
      SplittableRandom r = new SplittableRandom(4);
      int found = 0;
      int global = 0;
      for (int i = 0; i < TEXTS; i++) {
        String own =
            teacher
                .generate(prompts.get(i), 200, SamplingParams.defaults(), i, Watermarker.of(key))
                .text();
        Detection d = windowed.detectText(paste.apply(own, r.split()));
        found += d.decisive().pValue() <= 1e-3 ? 1 : 0;
        global += d.global().pValue() <= 1e-3 ? 1 : 0;
      }
      System.out.printf(
          Locale.ROOT,
          "%s: 10 %% share in 2,000 tokens: window finds %d/%d, whole text %d/%d at 1e-3%n",
          p.schemeName(),
          found,
          TEXTS,
          global,
          TEXTS);
      assertTrue(found >= TEXTS * 0.95, p.schemeName() + " found " + found);
    }
  }
}
