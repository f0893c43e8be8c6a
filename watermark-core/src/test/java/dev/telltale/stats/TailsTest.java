package dev.telltale.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.math.BigDecimal;
import java.math.MathContext;
import org.hipparchus.distribution.continuous.NormalDistribution;
import org.junit.jupiter.api.Test;

class TailsTest {
  private static final MathContext MC = new MathContext(60);

  /** P[Bin(n, q) >= k] summed exactly in decimal arithmetic. */
  static double exactBinomialLog10(int n, int k, BigDecimal q) {
    BigDecimal one = BigDecimal.ONE;
    BigDecimal sum = BigDecimal.ZERO;
    for (int j = k; j <= n; j++) {
      BigDecimal c = new BigDecimal(binom(n, j));
      sum = sum.add(c.multiply(q.pow(j, MC), MC).multiply(one.subtract(q).pow(n - j, MC), MC), MC);
    }
    return log10(sum);
  }

  static double log10(BigDecimal x) {
    int scale = x.precision() - x.scale() - 1;
    double mant = x.movePointLeft(scale).doubleValue();
    return Math.log10(mant) + scale;
  }

  static java.math.BigInteger binom(int n, int k) {
    java.math.BigInteger r = java.math.BigInteger.ONE;
    for (int i = 0; i < k; i++) {
      r =
          r.multiply(java.math.BigInteger.valueOf(n - i))
              .divide(java.math.BigInteger.valueOf(i + 1));
    }
    return r;
  }

  @Test
  void smallBinomialTailsMatchTabulatedValues() {
    // P[Bin(10, 0.25) >= 5] = 0.07812690734863281 (tabulated)
    assertEquals(0.07812690734863281, Tails.binomialUpper(10, 5, 0.25).pValue(), 1e-15);
    // P[Bin(20, 0.5) >= 15] = 0.020694732666015625
    assertEquals(0.020694732666015625, Tails.binomialUpper(20, 15, 0.5).pValue(), 1e-15);
    assertEquals(1.0, Tails.binomialUpper(20, 0, 0.5).pValue());
    // P[Bin(n, q) >= n] = q^n
    assertEquals(Math.pow(0.25, 30), Tails.binomialUpper(30, 30, 0.25).pValue(), 1e-30);
  }

  @Test
  void binomialAgreesWithExactDecimalSum() {
    qt().withFixedSeed(0x7A11_0001L)
        .withExamples(200)
        .forAll(integers().between(1, 400), integers().between(0, 400), integers().between(1, 9))
        .checkAssert(TailsTest::binomialMatchesDecimalSum);
  }

  private static void binomialMatchesDecimalSum(int n, int kRaw, int qTenths) {
    int k = Math.min(kRaw, n);
    double q = qTenths / 10.0;
    double expected = exactBinomialLog10(n, k, new BigDecimal(q));
    double actual = Tails.binomialUpper(n, k, q).log10PValue();
    assertEquals(expected, actual, Math.max(1e-9, Math.abs(expected) * 1e-9), "n=" + n + " k=" + k);
  }

  @Test
  void extremeBinomialTailsStayExactInLogSpace() {
    // n = 2000, all green at q = 0.25: log10 p = 2000 log10 0.25
    assertEquals(
        2000 * Math.log10(0.25), Tails.binomialUpper(2000, 2000, 0.25).log10PValue(), 1e-9);
    double exact = exactBinomialLog10(1500, 900, new BigDecimal("0.25"));
    TailProbability p = Tails.binomialUpper(1500, 900, 0.25);
    assertEquals(exact, p.log10PValue(), 1e-8);
    assertEquals(Math.pow(10, exact), p.pValue(), Math.pow(10, exact) * 1e-7);
    TailProbability tiny = Tails.binomialUpper(3000, 2500, 0.25);
    assertEquals(TailProbability.FLOOR, tiny.pValue());
    assertEquals(exactBinomialLog10(3000, 2500, new BigDecimal("0.25")), tiny.log10PValue(), 1e-7);
  }

  @Test
  void largeBinomialAgreesWithNormalApproximation() {
    long n = 10_000_000L;
    double q = 0.25;
    double sd = Math.sqrt(n * q * (1 - q));
    NormalDistribution normal = new NormalDistribution();
    for (double z : new double[] {0.5, 1, 2, 3}) {
      long k = (long) Math.ceil(n * q + z * sd);
      double zc = (k - 0.5 - n * q) / sd; // continuity correction
      double approx = 1 - normal.cumulativeProbability(zc);
      assertEquals(approx, Tails.binomialUpper(n, k, q).pValue(), approx * 2e-3);
    }
  }

  /** Q(n, x) = e^-x sum_{j<n} x^j / j! exactly in decimal arithmetic. */
  static double exactGammaLog10(int n, BigDecimal x) {
    BigDecimal sum = BigDecimal.ZERO;
    BigDecimal term = BigDecimal.ONE;
    for (int j = 0; j < n; j++) {
      if (j > 0) {
        term = term.multiply(x, MC).divide(BigDecimal.valueOf(j), MC);
      }
      sum = sum.add(term, MC);
    }
    return log10(sum) - x.doubleValue() / Math.log(10);
  }

  @Test
  void smallGammaTailsMatchTabulatedValues() {
    // Q(1, x) = e^-x
    assertEquals(Math.exp(-3), Tails.gammaUpper(1, 3).pValue(), 1e-15);
    // Q(3, 2) = e^-2 (1 + 2 + 2) = 0.6766764161830635
    assertEquals(0.6766764161830635, Tails.gammaUpper(3, 2).pValue(), 1e-14);
  }

  @Test
  void gammaAgreesWithExactDecimalSum() {
    qt().withFixedSeed(0x7A11_0002L)
        .withExamples(200)
        .forAll(integers().between(1, 500), integers().between(1, 4000))
        .checkAssert(TailsTest::gammaMatchesDecimalSum);
  }

  private static void gammaMatchesDecimalSum(int n, int x4) {
    double x = x4 / 4.0;
    double expected = exactGammaLog10(n, new BigDecimal(x));
    double actual = Tails.gammaUpper(n, x).log10PValue();
    assertEquals(expected, actual, Math.max(1e-9, Math.abs(expected) * 1e-9), "n=" + n + " x=" + x);
  }

  @Test
  void largeGammaAgreesWithNormalApproximation() {
    long n = 1_000_000L;
    NormalDistribution normal = new NormalDistribution();
    for (double z : new double[] {0.5, 1, 2, 3}) {
      double x = n + z * Math.sqrt(n);
      double approx = 1 - normal.cumulativeProbability(z);
      // skewness 2/sqrt(n) makes the normal tail slightly off; the exact tail is a bit heavier
      assertEquals(approx, Tails.gammaUpper(n, x).pValue(), approx * 0.01);
    }
    double exact = exactGammaLog10(2000, new BigDecimal(9000));
    TailProbability tiny = Tails.gammaUpper(2000, 9000);
    assertTrue(exact < -300);
    assertEquals(exact, tiny.log10PValue(), Math.abs(exact) * 1e-9);
    assertEquals(TailProbability.FLOOR, tiny.pValue());
  }

  @Test
  void holmAndBenjaminiHochbergMatchTextbookExample() {
    TailProbability[] p = {
      TailProbability.of(0.01),
      TailProbability.of(0.04),
      TailProbability.of(0.03),
      TailProbability.of(0.005)
    };
    TailProbability[] holm = Combine.holm(p);
    assertEquals(0.03, holm[0].pValue(), 1e-12);
    assertEquals(0.06, holm[1].pValue(), 1e-12);
    assertEquals(0.06, holm[2].pValue(), 1e-12);
    assertEquals(0.02, holm[3].pValue(), 1e-12);
    TailProbability[] bh = Combine.benjaminiHochberg(p);
    assertEquals(0.02, bh[0].pValue(), 1e-12);
    assertEquals(0.04, bh[1].pValue(), 1e-12);
    assertEquals(0.04, bh[2].pValue(), 1e-12);
    assertEquals(0.02, bh[3].pValue(), 1e-12);
  }
}
