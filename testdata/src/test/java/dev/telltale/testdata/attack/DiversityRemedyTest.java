package dev.telltale.testdata.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.detect.DetectionPolicy;
import dev.telltale.detect.Detector;
import dev.telltale.embed.Watermarker;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.testdata.SamplingParams;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The diversity remedy for Gumbel keys ({@link Watermarker#withPlainShare}): how often outputs of
 * different prompts repeat, and what the plain share costs in detection power at 100 and 200
 * tokens. Printed figures are in the README's robustness section.
 */
class DiversityRemedyTest {
  static final int OUTPUTS = 60;
  static final int TOKENS = 200;
  static final double[] SHARES = {0, 0.1, 0.25};

  static WatermarkKey key;
  static Detector detector;
  static double[] repeated = new double[SHARES.length];
  static double[][] log10P = new double[SHARES.length][];
  static double[][] log10P100 = new double[SHARES.length][];
  static double[][] log10P50 = new double[SHARES.length][];

  @BeforeAll
  static void run() {
    StealingAndDiversityTest.setUp();
    key = RobustnessFloorsTest.key("div-salt-gumbel", GumbelParameters.defaults(), 23);
    detector =
        Detector.of(key, StealingAndDiversityTest.teacher.tokenizer(), DetectionPolicy.defaults());
    for (int s = 0; s < SHARES.length; s++) {
      Watermarker wm = Watermarker.of(key);
      if (SHARES[s] > 0) {
        wm = wm.withPlainShare(SHARES[s]);
      }
      List<int[]> outs = outputs(wm, 5);
      repeated[s] = StealingAndDiversityTest.repeatedShare(outs);
      log10P[s] = outs.stream().mapToDouble(ids -> log10P(ids, ids.length)).toArray();
      log10P100[s] = outs.stream().mapToDouble(ids -> log10P(ids, 100)).toArray();
      log10P50[s] = outs.stream().mapToDouble(ids -> log10P(ids, 50)).toArray();
      System.out.printf(
          Locale.ROOT,
          "plain share %.2f: %.1f %% of word 8-grams recur in another prompt's output;"
              + " 200 tokens: median log10 p %.1f, p<=1e-6 %d/%d; 100 tokens: median %.1f,"
              + " p<=1e-6 %d/%d; 50 tokens: median %.1f, p<=1e-6 %d/%d%n",
          SHARES[s],
          100 * repeated[s],
          median(log10P[s]),
          count(log10P[s], -6),
          OUTPUTS,
          median(log10P100[s]),
          count(log10P100[s], -6),
          OUTPUTS,
          median(log10P50[s]),
          count(log10P50[s], -6),
          OUTPUTS);
    }
  }

  static List<int[]> outputs(Watermarker wm, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<int[]> out = new ArrayList<>();
    for (int i = 0; i < OUTPUTS; i++) {
      int[] prompt =
          StealingAndDiversityTest.prompts.get(i % StealingAndDiversityTest.prompts.size());
      out.add(
          StealingAndDiversityTest.teacher
              .generate(prompt, TOKENS, SamplingParams.defaults(), r.nextLong(), wm)
              .tokens());
    }
    return out;
  }

  static double log10P(int[] ids, int tokens) {
    String text = StealingAndDiversityTest.teacher.tokenizer().decode(Arrays.copyOf(ids, tokens));
    return detector.detectText(text).log10PValue();
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  static int count(double[] v, double log10Alpha) {
    return (int) Arrays.stream(v).filter(x -> x <= log10Alpha).count();
  }

  @Test
  void aPlainShareOfZeroIsTheKeyedSamplerItself() {
    List<int[]> a = outputs(Watermarker.of(key), 9);
    List<int[]> b = outputs(Watermarker.of(key).withPlainShare(0), 9);
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i), b.get(i));
    }
  }

  @Test
  void aQuarterPlainShareCutsRepeatsAcrossRequests() {
    // Repeats need several keyed steps in a row in both outputs, so they fall faster than 1 - q.
    assertTrue(repeated[0] > 0.2, "keyed sampling repeats: " + repeated[0]);
    assertTrue(repeated[2] < repeated[0] / 2, repeated[2] + " vs " + repeated[0]);
    assertTrue(repeated[1] < repeated[0], repeated[1] + " vs " + repeated[0]);
  }

  @Test
  void theRemedyKeepsPowerAtTwoHundredTokens() {
    // A plain step carries no signal: the score's mean excess shrinks by about 1 - q.
    assertTrue(count(log10P[2], -6) >= OUTPUTS * 9 / 10, Arrays.toString(log10P[2]));
    assertTrue(median(log10P[2]) > median(log10P[0]), "a plain share costs power");
  }
}
