package dev.telltale.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.telltale.TestKeys;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.stats.TailProbability;
import dev.telltale.text.Tokenizers;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The best-window search: how many windows it compares (the Bonferroni factor of its p-value), and
 * that it finds the window a brute-force search over the same windows finds.
 */
class BestWindowTest {
  private static final DetectionPolicy DEFAULTS = DetectionPolicy.defaults().withWindow(true);

  private static Detector detector(DetectionPolicy policy) {
    return Detector.of(
        TestKeys.key(1, GreenListParameters.defaults()), Tokenizers.cl100kBase(), policy);
  }

  /** A trace of {@code values}, the i-th scored tuple at token position 2 + 3i. */
  private static ScoreTrace trace(double[] values) {
    ScoreTrace t = new ScoreTrace();
    for (int i = 0; i < values.length; i++) {
      t.add(2 + 3 * i, values[i]);
    }
    return t;
  }

  private static WindowResult search(double[] values, DetectionPolicy policy) {
    Detector d = detector(policy);
    double total = 0;
    for (double v : values) {
      total += v;
    }
    return BestWindow.search(trace(values), d.tail(values.length, total), policy, d);
  }

  private static long windowsTested(int n, DetectionPolicy policy) {
    return search(new double[n], policy).windowsTested();
  }

  @Test
  void windowsTestedMatchesAHandCountWithTheDefaultSizes() {
    // Sizes 32, 64, ..., 4096 tuples; a size is tried only when shorter than the text, with starts
    // every size/4 tuples while the window fits: floor((n - size) / (size / 4)) + 1 windows.
    // Short texts: only the whole text.
    assertEquals(1, windowsTested(0, DEFAULTS));
    assertEquals(1, windowsTested(10, DEFAULTS));
    assertEquals(1, windowsTested(32, DEFAULTS));
    // n = 33: size 32, starts {0} -> 1; total 1 + 1
    assertEquals(2, windowsTested(33, DEFAULTS));
    // n = 40: size 32, stride 8, starts {0, 8} -> 2; total 3
    assertEquals(3, windowsTested(40, DEFAULTS));
    // n = 100: size 32, stride 8, starts 0..64 -> 9; size 64, stride 16, starts 0, 16, 32 -> 3;
    // total 1 + 9 + 3
    assertEquals(13, windowsTested(100, DEFAULTS));
    // n = 1000: size 32 -> floor(968 / 8) + 1 = 122; 64 -> floor(936 / 16) + 1 = 59;
    // 128 -> floor(872 / 32) + 1 = 28; 256 -> floor(744 / 64) + 1 = 12;
    // 512 -> floor(488 / 128) + 1 = 4; 1024 and up do not fit; total 1 + 225
    assertEquals(226, windowsTested(1000, DEFAULTS));
    // n = 4097: 32 -> 509; 64 -> 253; 128 -> 125; 256 -> 61; 512 -> 29; 1024 -> 13; 2048 -> 5;
    // 4096 -> 1; total 1 + 996
    assertEquals(997, windowsTested(4097, DEFAULTS));
  }

  @Test
  void windowsTestedMatchesAHandCountWithSmallSizes() {
    DetectionPolicy small = new DetectionPolicy(1e-6, true, new int[] {2, 3, 8});
    // n = 5: size 2, stride 1, starts 0..3 -> 4; size 3, stride 1, starts 0..2 -> 3;
    // size 8 does not fit; total 1 + 7
    assertEquals(8, windowsTested(5, small));
    // n = 8: size 2 -> 7; size 3 -> 6; size 8 is the whole text (not shorter): total 14
    assertEquals(14, windowsTested(8, small));
    // n = 17: size 2 -> 16; size 3 -> 15; size 8, stride 2, starts 0, 2, ..., 8 -> 5; total 37
    assertEquals(37, windowsTested(17, small));
  }

  @Test
  void thePlantedPassageIsFoundAndCorrectedByTheWindowsTested() {
    // 600 tuples, one green in four, with an all-green run at tuples 256..319
    double[] v = new double[600];
    for (int i = 0; i < v.length; i++) {
      v[i] = i % 4 == 0 ? 1 : 0;
    }
    for (int i = 256; i < 320; i++) {
      v[i] = 1;
    }
    WindowResult w = search(v, DEFAULTS);
    assertEquals(64, w.scoredTokens());
    assertEquals(64.0, w.score());
    assertEquals(2 + 3 * 256, w.startToken());
    assertEquals(2 + 3 * 319 + 1, w.endToken());
    Detector d = detector(DEFAULTS);
    assertEquals(d.tail(64, 64).log10PValue(), w.raw().log10PValue(), 1e-12);
    // n = 600: 32 -> 72; 64 -> 34; 128 -> 15; 256 -> 6; 512 -> 1; total 1 + 128
    assertEquals(129, w.windowsTested());
    assertEquals(w.raw().log10PValue() + Math.log10(129), w.corrected().log10PValue(), 1e-9);
  }

  @Test
  void textWithoutABetterWindowKeepsTheWholeText() {
    double[] v = new double[200];
    for (int i = 0; i < v.length; i += 4) {
      v[i] = 1;
    }
    // every window of every size holds exactly a quarter green: none beats the whole text
    WindowResult w = search(v, DEFAULTS);
    assertEquals(200, w.scoredTokens());
    assertEquals(2, w.startToken());
    assertEquals(2 + 3 * 199 + 1, w.endToken());
    // n = 200: 32 -> 22; 64 -> 9; 128 -> 3; total 1 + 34
    assertEquals(35, w.windowsTested());
    // the corrected p-value is capped at one
    assertEquals(
        Math.min(0, w.raw().log10PValue() + Math.log10(35)), w.corrected().log10PValue(), 1e-9);
  }

  /** Every window the search compares, enumerated directly, with sums taken one by one. */
  private static WindowResult bruteForce(double[] v, DetectionPolicy policy) {
    Detector d = detector(policy);
    int n = v.length;
    double total = 0;
    for (double x : v) {
      total += x;
    }
    TailProbability best = d.tail(n, total);
    int bestStart = 0;
    int bestLen = n;
    double bestScore = total;
    long count = 1;
    for (int size : policy.windowSizes()) {
      for (int start = 0; size < n && start + size <= n; start += Math.max(1, size / 4)) {
        count++;
        double s = 0;
        for (int i = start; i < start + size; i++) {
          s += v[i];
        }
        TailProbability p = d.tail(size, s);
        if (p.log10PValue() < best.log10PValue()) {
          best = p;
          bestStart = start;
          bestLen = size;
          bestScore = s;
        }
      }
    }
    return new WindowResult(
        2 + 3 * bestStart,
        2 + 3 * (bestStart + bestLen - 1) + 1,
        bestLen,
        bestScore,
        best,
        best.times(count),
        count);
  }

  @Test
  void theSearchAgreesWithBruteForceOnRandomTraces() {
    DetectionPolicy small = new DetectionPolicy(1e-6, true, new int[] {4, 9, 16, 40});
    qt().withFixedSeed(0xB35_7001L)
        .withExamples(300)
        .forAll(integers().between(0, 300), longs().all(), integers().between(1, 9))
        .checkAssert(
            (n, seed, greenTenths) -> {
              SplittableRandom r = new SplittableRandom(seed);
              double[] v = new double[n];
              for (int i = 0; i < n; i++) {
                v[i] = r.nextInt(10) < greenTenths ? 1 : 0;
              }
              for (DetectionPolicy policy : new DetectionPolicy[] {small, DEFAULTS}) {
                WindowResult got = search(v, policy);
                WindowResult want = bruteForce(v, policy);
                assertEquals(want.windowsTested(), got.windowsTested());
                assertEquals(want.raw().log10PValue(), got.raw().log10PValue(), 1e-12);
                assertEquals(want.corrected().log10PValue(), got.corrected().log10PValue(), 1e-12);
                assertEquals(want.scoredTokens(), got.scoredTokens());
                assertEquals(want.score(), got.score(), 1e-9);
                if (n > 0) {
                  // ties between equally significant windows go to the first one found
                  assertEquals(want.startToken(), got.startToken());
                  assertEquals(want.endToken(), got.endToken());
                }
              }
            });
  }
}
