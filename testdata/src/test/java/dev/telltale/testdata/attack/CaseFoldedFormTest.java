package dev.telltale.testdata.attack;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.detect.DetectionPolicy;
import dev.telltale.detect.Detector;
import dev.telltale.detect.FormTokens;
import dev.telltale.embed.Watermarker;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.scheme.WatermarkParameters;
import dev.telltale.testdata.SamplingParams;
import dev.telltale.testdata.TeacherGenerator;
import dev.telltale.text.NormalForm;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lower-cased normal form, an option ({@code --case-insensitive}): generation chose
 * case-sensitive tokens, so lower-casing only restores the tokens that were lower case to begin
 * with. It rescues an all-capitals copy, which no default form can read, and costs the other texts
 * one more form in the correction. Printed: the figures README "Robustness" gives.
 */
class CaseFoldedFormTest {
  static final int TEXTS = 30;
  static TeacherGenerator teacher;

  @BeforeAll
  static void load() {
    teacher = TeacherGenerator.defaultTeacher();
  }

  static NewlineRichDetectionTest.Figures figures(
      Detector d, List<String> texts, List<NormalForm> family) {
    double[] p = new double[texts.size()];
    for (int i = 0; i < p.length; i++) {
      p[i] =
          d.detectForms(FormTokens.encode(d.tokenizer(), texts.get(i), family))
              .decisive()
              .log10PValue();
    }
    return NewlineRichDetectionTest.Figures.of(p);
  }

  void measure(WatermarkParameters params, long seed) {
    WatermarkKey key = RobustnessFloorsTest.key("case-" + params.schemeName(), params, seed);
    List<int[]> prompts = teacher.heldOutPrompts(TEXTS, 8);
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < TEXTS; i++) {
      texts.add(
          teacher
              .generate(
                  prompts.get(i), 200, SamplingParams.defaults(), seed + i, Watermarker.of(key))
              .text());
    }
    SplittableRandom r = new SplittableRandom(seed);
    List<String> upper = new ArrayList<>();
    List<String> flipped = new ArrayList<>();
    for (String t : texts) {
      upper.add(CaseChange.upper().apply(t, r.split()));
      flipped.add(CaseChange.words(0.1).apply(t, r.split()));
    }
    Detector d = Detector.of(key, teacher.tokenizer(), DetectionPolicy.defaults());
    List<NormalForm> plain = FormTokens.family(false);
    List<NormalForm> folded = FormTokens.family(true);
    var clean = figures(d, texts, plain);
    var cleanFolded = figures(d, texts, folded);
    var up = figures(d, upper, plain);
    var upFolded = figures(d, upper, folded);
    var flip = figures(d, flipped, plain);
    var flipFolded = figures(d, flipped, folded);
    System.out.printf(
        "case-folded form, %s, %d texts of 200 tokens (default family -> with case-folded):%n"
            + "  unattacked: %s -> %s%n  all capitals: %s -> %s%n  10%% of words flipped: %s -> %s%n",
        params.schemeName(), TEXTS, clean, cleanFolded, up, upFolded, flip, flipFolded);
    // No default form reads an all-capitals copy; the lower-cased one does.
    assertTrue(up.at3() <= TEXTS / 10, up.toString());
    assertTrue(upFolded.at6() >= TEXTS * 9 / 10, upFolded.toString());
    // Its price elsewhere: plain text with capitals now gives two sequences, a factor 2 at most.
    assertTrue(cleanFolded.median() <= clean.median() + Math.log10(2) + 1e-9);
    assertTrue(cleanFolded.at6() >= clean.at6() - 1, cleanFolded + " vs " + clean);
  }

  @Test
  void greenList() {
    measure(GreenListParameters.defaults(), 61);
  }

  @Test
  void gumbel() {
    measure(GumbelParameters.defaults(), 62);
  }
}
