package dev.telltale.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.telltale.TestKeys;
import dev.telltale.embed.WatermarkSession;
import dev.telltale.embed.Watermarker;
import dev.telltale.key.KeySet;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.text.Tokenizers;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DetectorTest {
  private static final int V = 5000;

  /** Token ids drawn from a toy distribution with the watermark embedded. */
  static int[] generate(WatermarkKey key, int n, long seed) {
    Watermarker w = Watermarker.of(key);
    WatermarkSession s = w.newSession();
    SplittableRandom r = new SplittableRandom(seed);
    float[] logits = new float[V];
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      for (int v = 0; v < V; v++) {
        logits[v] = (float) (-0.002 * v + r.nextGaussian());
      }
      int tok;
      if (key.parameters() instanceof GreenListParameters) {
        s.bias(logits);
        tok = argmaxSample(logits, r);
      } else {
        tok = s.sample(logits, 1.0, r);
      }
      s.accept(tok);
      out[i] = tok;
    }
    return out;
  }

  static int argmaxSample(float[] logits, SplittableRandom r) {
    // Gumbel-max with the caller's randomness = an ordinary softmax sample.
    double best = Double.NEGATIVE_INFINITY;
    int arg = 0;
    for (int v = 0; v < logits.length; v++) {
      double g = logits[v] - Math.log(-Math.log(r.nextDouble()));
      if (g > best) {
        best = g;
        arg = v;
      }
    }
    return arg;
  }

  private static Detector detector(WatermarkKey key) {
    return Detector.of(key, Tokenizers.cl100kBase(), DetectionPolicy.defaults());
  }

  @Test
  void greenListTextIsDetectedAndOtherKeysAreNot() {
    WatermarkKey key = TestKeys.key(1, GreenListParameters.defaults());
    int[] ids = generate(key, 200, 9);
    Detection d = detector(key).detectTokens(ids, 0, ids.length);
    assertEquals(Verdict.WATERMARKED, d.verdict());
    assertEquals(198, d.scoredTokens() + d.duplicateTuples());
    Detection other =
        detector(TestKeys.key(2, GreenListParameters.defaults())).detectTokens(ids, 0, ids.length);
    assertEquals(Verdict.NOT_WATERMARKED, other.verdict());
  }

  @Test
  void gumbelTextIsDetected() {
    WatermarkKey key = TestKeys.key(4, GumbelParameters.defaults());
    int[] ids = generate(key, 200, 3);
    Detection d = detector(key).detectTokens(ids, 0, ids.length);
    assertEquals(Verdict.WATERMARKED, d.verdict(), () -> "p=" + d.pValue());
    assertTrue(d.greenTokens().isEmpty());
  }

  @Test
  void repeatingTheTextDoesNotChangeTheScore() {
    qt().withFixedSeed(0xDE7E_0001L)
        .withExamples(30)
        .forAll(longs().all(), integers().between(2, 20))
        .checkAssert(DetectorTest::copiesAddOnlyTheBoundaryTuples);
  }

  private static void copiesAddOnlyTheBoundaryTuples(long seed, int copies) {
    WatermarkKey key = TestKeys.key(seed, GreenListParameters.defaults());
    SplittableRandom r = new SplittableRandom(seed);
    int[] once = r.ints(60, 0, V).toArray();
    int[] many = new int[once.length * copies];
    for (int c = 0; c < copies; c++) {
      System.arraycopy(once, 0, many, c * once.length, once.length);
    }
    Detection a = detector(key).detectTokens(once, 0, once.length);
    Detection b = detector(key).detectTokens(many, 0, many.length);
    // the copies add only the tuples that straddle a copy boundary (h = 2: two of them)
    assertTrue(b.scoredTokens() - a.scoredTokens() <= 2);
    assertTrue(b.score() - a.score() <= 2);
  }

  @Test
  void aWatermarkedPassageInsideOtherTextIsFoundByTheWindowSearch() {
    WatermarkKey key = TestKeys.key(21, GreenListParameters.defaults());
    int[] marked = generate(key, 150, 4);
    SplittableRandom r = new SplittableRandom(8);
    int[] text = new int[3000];
    for (int i = 0; i < text.length; i++) {
      text[i] = r.nextInt(V);
    }
    System.arraycopy(marked, 0, text, 1800, marked.length);
    Detector windowed =
        Detector.of(key, Tokenizers.cl100kBase(), DetectionPolicy.defaults().withWindow(true));
    Detection d = windowed.detectTokens(text, 0, text.length);
    WindowResult w = d.window().orElseThrow();
    assertEquals(Verdict.WATERMARKED, d.verdict());
    assertTrue(w.startToken() >= 1750 && w.endToken() <= 2000, w.toString());
    // Bonferroni over every window compared, the whole text included, capped at one
    assertTrue(w.windowsTested() > 1, w.toString());
    assertEquals(
        Math.min(0, w.raw().log10PValue() + Math.log10(w.windowsTested())),
        w.corrected().log10PValue(),
        1e-9);
    assertTrue(d.global().log10PValue() > w.raw().log10PValue());
  }

  @Test
  void keySetReportsTheMatchingKeyWithHolmCorrection() {
    WatermarkKey a = TestKeys.key(31, GreenListParameters.defaults());
    WatermarkKey b = TestKeys.key(32, GreenListParameters.defaults());
    WatermarkKey c = TestKeys.key(33, GumbelParameters.defaults());
    KeySet set = KeySet.of(b.id(), java.util.List.of(a, b, c));
    int[] ids = generate(b, 200, 1);
    KeySetDetection d =
        KeySetDetector.of(set, Tokenizers.cl100kBase(), DetectionPolicy.defaults())
            .detectTokens(ids, 0, ids.length);
    assertEquals(b.id(), d.matchedKey().orElseThrow());
    assertEquals(3, d.keysTested());
    assertEquals(
        Math.min(0, d.best().log10PValue() + Math.log10(3)), d.familyWise().log10PValue(), 1e-9);
  }

  @Test
  void shortInputsScoreNothingAndAreNotDetected() {
    WatermarkKey key = TestKeys.key(5, GreenListParameters.defaults());
    Detection d = detector(key).detectTokens(new int[] {1, 2}, 0, 2);
    assertEquals(0, d.scoredTokens());
    assertEquals(1.0, d.pValue());
    assertEquals(Verdict.NOT_WATERMARKED, d.verdict());
    Detection empty = detector(key).detectText("   ");
    assertEquals(0, empty.tokens());
  }

  @Test
  void textDetectionIgnoresSurroundingWhitespaceAndCarrierCharacters() {
    WatermarkKey key = TestKeys.key(6, GreenListParameters.defaults());
    String text = "The committee adopted the report on the common agricultural policy today.";
    Detection plain = detector(key).detectText(text);
    Detection padded = detector(key).detectText("\n  " + text + "\uFEFF\uFE01\uDB40\uDD00  \n");
    assertEquals(plain.scoredTokens(), padded.scoredTokens());
    assertEquals(plain.score(), padded.score());
    assertEquals(plain.tokens(), padded.tokens());
    assertEquals(plain.pValue(), padded.pValue());
  }
}
