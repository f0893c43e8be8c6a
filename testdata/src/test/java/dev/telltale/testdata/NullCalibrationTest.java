package dev.telltale.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.detect.Detection;
import dev.telltale.detect.DetectionPolicy;
import dev.telltale.detect.Detector;
import dev.telltale.key.KeyId;
import dev.telltale.key.SecretAccess;
import dev.telltale.key.SecretBytes;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.scheme.PrfVersion;
import dev.telltale.scheme.WatermarkParameters;
import dev.telltale.stats.Tails;
import dev.telltale.text.Tokenizer;
import dev.telltale.text.Tokenizers;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.hipparchus.distribution.continuous.UniformRealDistribution;
import org.hipparchus.distribution.discrete.BinomialDistribution;
import org.hipparchus.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Under the null (real human text never generated with the key) p-values must be uniform: tested
 * with many random keys over held-out Europarl passages, by Kolmogorov–Smirnov and by the
 * false-positive rate at alpha = 0.01, for every PRF version.
 */
class NullCalibrationTest {
  static final int TRIALS = 400;
  static List<String> passages;
  static final Tokenizer TOKENIZER = Tokenizers.cl100kBase();

  @BeforeAll
  static void load() {
    passages = EuroparlCorpus.load().heldOutPassages(TOKENIZER, 150, 400);
    assertTrue(passages.size() >= 200, "held-out passages: " + passages.size());
  }

  static WatermarkKey randomKey(SplittableRandom r, WatermarkParameters params) {
    return randomKey(r, params, PrfVersion.V1);
  }

  static WatermarkKey randomKey(SplittableRandom r, WatermarkParameters params, PrfVersion prf) {
    byte[] secret = new byte[32];
    r.nextBytes(secret);
    return WatermarkKey.of(
        KeyId.of("null-" + r.nextInt(1 << 30)),
        params,
        SecretBytes.copyOf(secret, SecretAccess.get()),
        Instant.EPOCH,
        prf);
  }

  @ParameterizedTest
  @EnumSource(PrfVersion.class)
  void greenListPValuesAreUniformOnHumanText(PrfVersion prf) {
    SplittableRandom r = new SplittableRandom(101 + prf.ordinal());
    double[] randomized = new double[TRIALS];
    int falsePositives = 0;
    for (int t = 0; t < TRIALS; t++) {
      WatermarkKey key = randomKey(r, GreenListParameters.defaults(), prf);
      Detector d = Detector.of(key, TOKENIZER, DetectionPolicy.defaults());
      Detection det = d.detectText(passages.get(t % passages.size()));
      assertTrue(det.scoredTokens() >= 100);
      if (det.pValue() <= 0.01) {
        falsePositives++;
      }
      // Randomized p-value P[X > G] + U P[X = G]: exactly uniform for a discrete statistic,
      // so KS tests the calibration itself rather than the lattice of attainable p-values.
      long n = det.scoredTokens();
      long g = det.greenTokens().orElseThrow();
      double pGreater = g + 1 > n ? 0.0 : Tails.binomialUpper(n, g + 1, 0.25).pValue();
      double pEqual = new BinomialDistribution((int) n, 0.25).probability((int) g);
      randomized[t] = pGreater + r.nextDouble() * pEqual;
    }
    double ks =
        new KolmogorovSmirnovTest()
            .kolmogorovSmirnovTest(new UniformRealDistribution(0, 1), randomized);
    System.out.printf(
        "null kgw prf %s: KS p=%.4f, false positives at 0.01: %d/%d%n",
        prf.id(), ks, falsePositives, TRIALS);
    assertTrue(ks > 0.001, "KS p-value " + ks);
    // P[Binomial(400, 0.01) > 11] < 1e-3: the exact test is conservative, never liberal.
    assertTrue(falsePositives <= 11, "false positives " + falsePositives);
  }

  @ParameterizedTest
  @EnumSource(PrfVersion.class)
  void gumbelPValuesAreUniformOnHumanText(PrfVersion prf) {
    SplittableRandom r = new SplittableRandom(202 + prf.ordinal());
    double[] p = new double[TRIALS];
    int falsePositives = 0;
    for (int t = 0; t < TRIALS; t++) {
      WatermarkKey key = randomKey(r, GumbelParameters.defaults(), prf);
      Detection det =
          Detector.of(key, TOKENIZER, DetectionPolicy.defaults())
              .detectText(passages.get((t * 7) % passages.size()));
      p[t] = det.pValue();
      if (p[t] <= 0.01) {
        falsePositives++;
      }
    }
    double ks =
        new KolmogorovSmirnovTest().kolmogorovSmirnovTest(new UniformRealDistribution(0, 1), p);
    System.out.printf(
        "null gumbel prf %s: KS p=%.4f, false positives at 0.01: %d/%d%n",
        prf.id(), ks, falsePositives, TRIALS);
    assertTrue(ks > 0.001, "KS p-value " + ks);
    assertTrue(falsePositives <= 11, "false positives " + falsePositives);
  }

  @Test
  void aSentenceRepeatedTwentyTimesIsNotAFalsePositive() {
    String sentence =
        "The Commission will present its proposal on the reform of the common fisheries policy"
            + " before the end of the year.";
    String repeated = (sentence + " ").repeat(20);
    SplittableRandom r = new SplittableRandom(303);
    int detected = 0;
    for (int t = 0; t < 200; t++) {
      WatermarkKey key = randomKey(r, GreenListParameters.defaults());
      Detector d = Detector.of(key, TOKENIZER, DetectionPolicy.defaults().withAlpha(1e-3));
      Detection once = d.detectText(sentence);
      Detection many = d.detectText(repeated);
      // copies add only the tuples that straddle the joint between copies
      assertTrue(many.scoredTokens() <= once.scoredTokens() + 3, "scored " + many.scoredTokens());
      if (many.verdict() == dev.telltale.detect.Verdict.WATERMARKED) {
        detected++;
      }
    }
    assertEquals(0, detected, "repeated text flagged for some keys");
  }
}
