package dev.telltale.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.forensics.attribution.Attribution;
import dev.telltale.forensics.attribution.AttributionPolicy;
import dev.telltale.forensics.attribution.DocumentAttribution.Outcome;
import dev.telltale.forensics.attribution.PayloadVotes;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.PayloadParameters;
import dev.telltale.scheme.PrfVersion;
import dev.telltale.text.Tokenizer;
import dev.telltale.text.Tokenizers;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Attribution on human text (held-out Europarl, a fresh payload key per passage): no account is
 * ever named, and the corrected p-value of the decoded account, computed without the zero-bit gate
 * so that every passage contributes, is uniform or conservative: its empirical distribution never
 * exceeds the uniform one by more than a one-sided Kolmogorov–Smirnov band. So is the p-value of an
 * account named in advance.
 */
class AttributionNullTest {
  static final int TRIALS = 400;
  static final Tokenizer TOKENIZER = Tokenizers.cl100kBase();
  static List<String> passages;

  @BeforeAll
  static void load() {
    passages = EuroparlCorpus.load().heldOutPassages(TOKENIZER, 150, 400);
    assertTrue(passages.size() >= 200, "held-out passages: " + passages.size());
  }

  /**
   * One-sided KS statistic D+ = max_i (i/n - p_(i)): how far the p-values are anti-conservative.
   */
  static double dPlus(double[] p) {
    double[] s = p.clone();
    Arrays.sort(s);
    double d = 0;
    for (int i = 0; i < s.length; i++) {
      d = Math.max(d, (i + 1.0) / s.length - s[i]);
    }
    return d;
  }

  @ParameterizedTest
  @EnumSource(PrfVersion.class)
  void humanTextIsNeverAttributedAndNullPValuesAreConservative(PrfVersion prf) {
    SplittableRandom r = new SplittableRandom(303 + prf.ordinal());
    double[][] corrected = new double[2][TRIALS];
    double[] named = new double[TRIALS];
    int attributed = 0;
    PayloadParameters[] layouts = {PayloadParameters.defaults(), new PayloadParameters(32, 1, 4.0)};
    for (int t = 0; t < TRIALS; t++) {
      PayloadParameters pp = layouts[t % 2];
      WatermarkKey key =
          NullCalibrationTest.randomKey(r, GreenListParameters.defaults().withPayload(pp), prf);
      Attribution a = Attribution.of(key, TOKENIZER, AttributionPolicy.defaults());
      String text = passages.get(t % passages.size());
      if (a.attributeText(text).outcome() == Outcome.ATTRIBUTED) {
        attributed++;
      }
      int[] ids = TOKENIZER.encode(text);
      PayloadVotes v = a.votes(ids, 0, ids.length);
      corrected[t % 2][t / 2] = v.correctedP(v.decode()).pValue();
      named[t] = v.candidateP(r.nextLong(pp.accounts())).pValue();
    }
    double[] c0 = Arrays.copyOf(corrected[0], TRIALS / 2);
    double[] c1 = Arrays.copyOf(corrected[1], TRIALS / 2);
    double n = TRIALS / 2.0;
    // P[D+ >= d] <= exp(-2 n d^2) (Dvoretzky–Kiefer–Wolfowitz, one-sided)
    double pc0 = Math.exp(-2 * n * dPlus(c0) * dPlus(c0));
    double pc1 = Math.exp(-2 * n * dPlus(c1) * dPlus(c1));
    double pn = Math.exp(-2 * TRIALS * dPlus(named) * dPlus(named));
    long below01 = Arrays.stream(c0).filter(p -> p <= 0.1).count();
    System.out.printf(
        "null attribution on human text, prf "
            + prf.id()
            + ": %d/%d attributed; corrected p one-sided KS p=%.3f (24/8)"
            + " %.3f (32/1), share <= 0.1: %d/%d; a-priori account p one-sided KS p=%.3f%n",
        attributed,
        TRIALS,
        pc0,
        pc1,
        below01,
        (int) n,
        pn);
    assertEquals(0, attributed);
    assertTrue(pc0 > 0.001 && pc1 > 0.001 && pn > 0.001);
  }
}
