package dev.telltale.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.detect.Detection;
import dev.telltale.detect.DetectionPolicy;
import dev.telltale.detect.Detector;
import dev.telltale.detect.FormTokens;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.scheme.WatermarkParameters;
import dev.telltale.stats.Tails;
import dev.telltale.text.Tokenizer;
import dev.telltale.text.Tokenizers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.hipparchus.distribution.continuous.UniformRealDistribution;
import org.hipparchus.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The null of detection over several normal forms, on human text laid out so that the forms differ
 * (a line break after each sentence, a blank line after every fifth, a doubled space after the
 * first comma): every form's own p-value is uniform (Kolmogorov–Smirnov, Gumbel keys, continuous),
 * and the smallest of them times the number of distinct token sequences is never liberal: its
 * empirical distribution function stays below the uniform one (one-sided KS) and its false
 * positives at 0.01 and 0.05 stay within binomial bounds.
 */
class NormalFormNullTest {
  static final int TRIALS = 300;
  static final Tokenizer TOKENIZER = Tokenizers.cl100kBase();
  static List<String> texts;

  @BeforeAll
  static void load() {
    texts = new ArrayList<>();
    for (String p : EuroparlCorpus.load().heldOutPassages(TOKENIZER, 150, 400)) {
      texts.add(layOut(p));
    }
  }

  static String layOut(String passage) {
    String[] sentences = passage.split("(?<=[.?!]) ");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < sentences.length; i++) {
      sb.append(sentences[i]).append(i % 5 == 4 ? "\n\n" : "\n");
    }
    return sb.toString().replaceFirst(", ", ",  ");
  }

  /** One-sided KS: the largest excess of the empirical CDF over the uniform one, and its p. */
  static double oneSidedKsP(double[] p) {
    double[] s = p.clone();
    Arrays.sort(s);
    double dPlus = 0;
    for (int i = 0; i < s.length; i++) {
      dPlus = Math.max(dPlus, (i + 1.0) / s.length - s[i]);
    }
    return Math.exp(-2 * s.length * dPlus * dPlus);
  }

  /** Per normal form (family order), its p-values where it was a distinct sequence. */
  record Run(List<List<Double>> perForm, double[] corrected, int[] formsTried) {}

  static Run run(WatermarkParameters params, long seed) {
    return run(params, seed, FormTokens.DEFAULT_FAMILY);
  }

  static Run run(WatermarkParameters params, long seed, List<dev.telltale.text.NormalForm> family) {
    SplittableRandom r = new SplittableRandom(seed);
    List<List<Double>> perForm = new ArrayList<>();
    for (int i = 0; i < family.size(); i++) {
      perForm.add(new ArrayList<>());
    }
    double[] corrected = new double[TRIALS];
    int[] tried = new int[5];
    for (int t = 0; t < TRIALS; t++) {
      WatermarkKey key = NullCalibrationTest.randomKey(r, params);
      Detector d = Detector.of(key, TOKENIZER, DetectionPolicy.defaults());
      String text = texts.get((t * 7) % texts.size());
      List<FormTokens> forms = FormTokens.encode(TOKENIZER, text, family);
      for (FormTokens f : forms) {
        perForm
            .get(family.indexOf(f.form()))
            .add(d.detectTokens(f.ids(), 0, f.ids().length).pValue());
      }
      Detection det = d.detectForms(forms);
      assertEquals(forms.size(), det.formsTried());
      tried[det.formsTried()]++;
      corrected[t] = det.decisive().pValue();
    }
    return new Run(perForm, corrected, tried);
  }

  static void assertNotLiberal(String name, Run run) {
    int at1 = 0;
    int at5 = 0;
    for (double p : run.corrected()) {
      at1 += p <= 0.01 ? 1 : 0;
      at5 += p <= 0.05 ? 1 : 0;
    }
    double ks = oneSidedKsP(run.corrected());
    System.out.printf(
        "normal-form null %s: forms tried 1/2/3/4 = %d/%d/%d/%d; corrected p: one-sided KS"
            + " p=%.3f, at 0.01 %d/%d, at 0.05 %d/%d%n",
        name,
        run.formsTried()[1],
        run.formsTried()[2],
        run.formsTried()[3],
        run.formsTried()[4],
        ks,
        at1,
        TRIALS,
        at5,
        TRIALS);
    assertTrue(
        run.formsTried()[3] + run.formsTried()[4] > TRIALS / 2,
        "the layout must make the forms differ");
    assertTrue(ks > 0.001, "corrected p-values liberal: one-sided KS p " + ks);
    assertTrue(Tails.binomialUpper(TRIALS, at1, 0.01).pValue() > 1e-3, at1 + " at 0.01");
    assertTrue(Tails.binomialUpper(TRIALS, at5, 0.05).pValue() > 1e-3, at5 + " at 0.05");
  }

  @Test
  void gumbelEveryFormIsUniformAndTheSearchIsNotLiberal() {
    Run run = run(GumbelParameters.defaults(), 404);
    for (int i = 0; i < run.perForm().size(); i++) {
      double[] p = run.perForm().get(i).stream().mapToDouble(Double::doubleValue).toArray();
      double ks =
          new KolmogorovSmirnovTest().kolmogorovSmirnovTest(new UniformRealDistribution(0, 1), p);
      System.out.printf(
          "normal-form null gumbel: form %s (%d tests): KS p=%.3f%n",
          FormTokens.DEFAULT_FAMILY.get(i).label(), p.length, ks);
      assertTrue(p.length >= TRIALS / 2, "form tested " + p.length + " times");
      assertTrue(ks > 0.001, "KS p of form " + FormTokens.DEFAULT_FAMILY.get(i) + ": " + ks);
    }
    assertNotLiberal("gumbel", run);
  }

  @Test
  void withTheCaseFoldedFormTheSearchIsNotLiberal() {
    Run run = run(GreenListParameters.defaults(), 606, FormTokens.family(true));
    assertTrue(run.formsTried()[4] > TRIALS / 2, "the case-folded form must differ");
    assertNotLiberal("kgw case-folded", run);
  }

  @Test
  void greenListSearchIsNotLiberal() {
    assertNotLiberal("kgw", run(GreenListParameters.defaults(), 505));
  }
}
