package dev.telltale.testdata.attack;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.detect.DetectionPolicy;
import dev.telltale.detect.Detector;
import dev.telltale.embed.Watermarker;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.scheme.WatermarkParameters;
import dev.telltale.testdata.SamplingParams;
import dev.telltale.testdata.TeacherGenerator;
import dev.telltale.text.DetectionNormalizer;
import dev.telltale.text.TextNormalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Newline-rich generations (a line break every {@value #LINE} tokens, as in lists, poems or code)
 * that nobody attacked: folding every run of white space to one space changes the tokens around
 * each line break and their contexts, so the hardened normal form alone loses power; detection that
 * also tests the text as given (and the hardened form that keeps line breaks) does not.
 */
class NewlineRichDetectionTest {
  static final int TEXTS = 40;
  static final int TOKENS = 60;
  static final int LINE = 6;
  static TeacherGenerator teacher;

  @BeforeAll
  static void load() {
    teacher = TeacherGenerator.defaultTeacher();
  }

  /** Watermarked texts whose generator emits a line break every {@code LINE} tokens. */
  static List<String> newlineRich(WatermarkKey key, int count, int tokens, long seed) {
    int newline = teacher.tokenizer().encode("\n")[0];
    List<int[]> prompts = teacher.heldOutPrompts(count, 8);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int start = prompts.get(i).length;
      out.add(
          teacher
              .generate(
                  prompts.get(i),
                  tokens,
                  SamplingParams.defaults(),
                  seed + i,
                  key == null ? null : Watermarker.of(key),
                  (history, len, logits) -> {
                    if ((len - start) % LINE == LINE - 1) {
                      logits[newline] += 1e4f;
                    }
                  })
              .text());
    }
    return out;
  }

  record Figures(double median, int at3, int at6) {
    static Figures of(double[] log10p) {
      double[] s = log10p.clone();
      Arrays.sort(s);
      int a3 = 0;
      int a6 = 0;
      for (double p : s) {
        a3 += p <= -3 ? 1 : 0;
        a6 += p <= -6 ? 1 : 0;
      }
      return new Figures(s[s.length / 2], a3, a6);
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT, "median log10 p %.1f, p<=1e-3 %d, p<=1e-6 %d", median, at3, at6);
    }
  }

  static double[] log10P(
      Detector d, List<String> texts, java.util.function.UnaryOperator<String> f) {
    double[] out = new double[texts.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] =
          f == null
              ? d.detectText(texts.get(i)).decisive().log10PValue()
              : detectIds(d, f.apply(texts.get(i)));
    }
    return out;
  }

  static double detectIds(Detector d, String normalized) {
    int[] ids = d.tokenizer().encode(normalized);
    return d.detectTokens(ids, 0, ids.length).decisive().log10PValue();
  }

  /** Figures of the basic form, the hardened form and detectText. */
  Figures[] check(WatermarkParameters params, long seed) {
    WatermarkKey key = RobustnessFloorsTest.key("nl-" + params.schemeName(), params, seed);
    List<String> texts = newlineRich(key, TEXTS, TOKENS, seed * 1000);
    assertTrue(texts.get(0).contains("\n"), texts.get(0));
    Detector d = Detector.of(key, teacher.tokenizer(), DetectionPolicy.defaults());
    Figures basic = Figures.of(log10P(d, texts, TextNormalizer::normalize));
    Figures hardened = Figures.of(log10P(d, texts, DetectionNormalizer::normalize));
    Figures detect = Figures.of(log10P(d, texts, null));
    System.out.printf(
        "newline-rich %s, %d texts of %d tokens: basic form: %s%n  hardened form: %s%n"
            + "  detectText: %s%n",
        params.schemeName(), TEXTS, TOKENS, basic, hardened, detect);
    // The loss exists: the hardened form alone is clearly weaker than the text as given.
    assertTrue(hardened.median() > basic.median() + 1, hardened + " vs " + basic);
    // detectText keeps the power of the text as given, less at most the forms' correction.
    assertTrue(detect.median() <= basic.median() + Math.log10(3) + 1e-9, detect + " vs " + basic);
    assertTrue(detect.at6() >= basic.at6() - 2, detect + " vs " + basic);
    assertTrue(detect.median() < hardened.median() - 1, detect + " vs " + hardened);
    return new Figures[] {basic, hardened, detect};
  }

  @Test
  void greenListKeepsItsPowerOnNewlineRichText() {
    Figures[] f = check(GreenListParameters.defaults(), 41);
    // Measured 37/40 as given, 7/40 hardened: the loss is in the verdicts, not only the p-values.
    assertTrue(f[1].at6() < f[0].at6() - 10, f[1] + " vs " + f[0]);
    assertTrue(f[2].at6() > f[1].at6() + 10, f[2] + " vs " + f[1]);
  }

  @Test
  void gumbelKeepsItsPowerOnNewlineRichText() {
    check(GumbelParameters.defaults(), 42);
  }
}
