package dev.telltale.testdata;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.detect.Detection;
import dev.telltale.detect.DetectionPolicy;
import dev.telltale.detect.Detector;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.stats.Tails;
import java.util.SplittableRandom;
import org.hipparchus.distribution.continuous.UniformRealDistribution;
import org.hipparchus.distribution.discrete.BinomialDistribution;
import org.hipparchus.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Test;

/**
 * The null with robust-context keys: dropping tokens with no letter or digit is a fixed rule of the
 * tokenizer's ids that never looks at the key, so p-values over the kept tuples stay uniform. 300
 * random keys of each scheme over held-out Europarl passages, checked by Kolmogorov–Smirnov (KGW
 * through the randomized p-value, exactly uniform for a discrete statistic) and by the
 * false-positive count at 0.01.
 */
class RobustContextNullTest {
  static final int TRIALS = 300;

  @Test
  void robustContextPValuesAreUniformOnHumanText() {
    NullCalibrationTest.load();
    for (boolean gumbel : new boolean[] {false, true}) {
      SplittableRandom r = new SplittableRandom(gumbel ? 404 : 303);
      double[] p = new double[TRIALS];
      int falsePositives = 0;
      for (int t = 0; t < TRIALS; t++) {
        WatermarkKey key =
            NullCalibrationTest.randomKey(
                r,
                gumbel
                    ? GumbelParameters.builder().robustContext(true).build()
                    : GreenListParameters.builder().robustContext(true).build());
        Detection det =
            Detector.of(key, NullCalibrationTest.TOKENIZER, DetectionPolicy.defaults())
                .detectText(
                    NullCalibrationTest.passages.get(
                        (t * 5) % NullCalibrationTest.passages.size()));
        assertTrue(det.scoredTokens() >= 80, det.toString());
        falsePositives += det.pValue() <= 0.01 ? 1 : 0;
        if (gumbel) {
          p[t] = det.pValue();
        } else {
          long n = det.scoredTokens();
          long g = det.greenTokens().orElseThrow();
          double gamma = GreenListParameters.defaults().effectiveGamma();
          double pGreater = g + 1 > n ? 0.0 : Tails.binomialUpper(n, g + 1, gamma).pValue();
          double pEqual = new BinomialDistribution((int) n, gamma).probability((int) g);
          p[t] = pGreater + r.nextDouble() * pEqual;
        }
      }
      double ks =
          new KolmogorovSmirnovTest().kolmogorovSmirnovTest(new UniformRealDistribution(0, 1), p);
      System.out.printf(
          "null %s robust context: KS p=%.4f, false positives at 0.01: %d/%d%n",
          gumbel ? "gumbel" : "kgw", ks, falsePositives, TRIALS);
      assertTrue(ks > 0.001, "KS p-value " + ks);
      // P[Binomial(300, 0.01) > 9] < 1e-3.
      assertTrue(falsePositives <= 9, "false positives " + falsePositives);
    }
  }
}
