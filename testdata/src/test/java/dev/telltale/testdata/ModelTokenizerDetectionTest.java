package dev.telltale.testdata;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.detect.Detection;
import dev.telltale.detect.DetectionPolicy;
import dev.telltale.detect.Detector;
import dev.telltale.embed.Watermarker;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.scheme.WatermarkParameters;
import dev.telltale.stats.Tails;
import dev.telltale.text.Tokenizer;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.hipparchus.distribution.continuous.UniformRealDistribution;
import org.hipparchus.distribution.discrete.BinomialDistribution;
import org.hipparchus.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Detection end to end with each real model tokenizer: a Kneser–Ney teacher trained over that
 * tokenizer's ids generates watermarked text, which is detokenized and detected from text; the same
 * text under another tokenizer is not detected. And the null: p-values over many keys on held-out
 * human text tokenized with Llama 3 are uniform.
 */
class ModelTokenizerDetectionTest {
  static final int TOKENS = 200;
  static final int TEXTS = 3;
  static final int NULL_KEYS = 300;

  /** Ids below these are the model vocabulary; the added (special) tokens follow. */
  static final Map<String, Integer> ORDINARY_IDS =
      Map.of("llama3", 128_000, "qwen3", 151_643, "gemma3", 262_142, "llama2", 32_000);

  /**
   * The teacher's view of a tokenizer: its ids below {@code size}. The Kneser–Ney model holds at
   * most 2^18-2 ids; Gemma 3's last three ({@code <unused6240>}, {@code <unused6241>} and {@code
   * <image_soft_token>}) never occur in Europarl, and training fails if one did.
   */
  record TeacherVocabulary(Tokenizer tokenizer, int size) implements Tokenizer {
    @Override
    public String name() {
      return tokenizer.name();
    }

    @Override
    public int vocabSize() {
      return size;
    }

    @Override
    public int[] encode(String text) {
      return tokenizer.encode(text);
    }

    @Override
    public String decode(int[] ids, int off, int len) {
      return tokenizer.decode(ids, off, len);
    }
  }

  static List<String> names() {
    return ModelTokenizers.NAMES;
  }

  static TeacherGenerator teacher(String name) {
    Tokenizer tok =
        new TeacherVocabulary(
            ModelTokenizers.telltale(name),
            Math.min(ModelTokenizers.telltale(name).vocabSize(), ORDINARY_IDS.get(name)));
    KneserNeyModel model = KneserNeyModel.train(tok, EuroparlCorpus.load().train(), 3);
    return new TeacherGenerator(model, tok, ORDINARY_IDS.get(name));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("names")
  void watermarkedTextIsDetectedWithItsTokenizerOnly(String name) {
    TeacherGenerator teacher = teacher(name);
    List<int[]> prompts = teacher.heldOutPrompts(TEXTS, 8);
    SplittableRandom r = new SplittableRandom(name.hashCode());
    for (WatermarkParameters params :
        List.<WatermarkParameters>of(GreenListParameters.defaults(), GumbelParameters.defaults())) {
      for (int i = 0; i < TEXTS; i++) {
        WatermarkKey key = NullCalibrationTest.randomKey(r, params);
        String text =
            teacher
                .generate(
                    prompts.get(i),
                    TOKENS,
                    SamplingParams.defaults(),
                    r.nextLong(),
                    Watermarker.of(key))
                .text();
        Detection own =
            Detector.of(key, ModelTokenizers.telltale(name), DetectionPolicy.defaults())
                .detectText(text);
        System.out.printf(
            "tokenizer detection %s %s text %d: %d tokens, p=%.3g%n",
            name, params.schemeName(), i, own.tokens(), own.pValue());
        assertTrue(own.pValue() <= 1e-6, name + " " + params.schemeName() + " p=" + own.pValue());
        for (String other : ModelTokenizers.NAMES) {
          if (other.equals(name)) {
            continue;
          }
          Detection cross =
              Detector.of(key, ModelTokenizers.telltale(other), DetectionPolicy.defaults())
                  .detectText(text);
          System.out.printf(
              "tokenizer detection %s text under %s: p=%.3g%n", name, other, cross.pValue());
          assertTrue(
              cross.pValue() > 1e-6,
              name + " text detected under " + other + ": p=" + cross.pValue());
        }
      }
    }
  }

  @Test
  void nullPValuesAreUniformOnHumanTextWithLlama3() {
    Tokenizer tok = ModelTokenizers.telltale("llama3");
    List<String> passages = EuroparlCorpus.load().heldOutPassages(tok, 150, 400);
    assertTrue(passages.size() >= 200, "held-out passages: " + passages.size());
    SplittableRandom r = new SplittableRandom(1403);
    double[] randomized = new double[NULL_KEYS];
    int falsePositives = 0;
    for (int t = 0; t < NULL_KEYS; t++) {
      WatermarkKey key = NullCalibrationTest.randomKey(r, GreenListParameters.defaults());
      Detection det =
          Detector.of(key, tok, DetectionPolicy.defaults())
              .detectText(passages.get(t % passages.size()));
      if (det.pValue() <= 0.01) {
        falsePositives++;
      }
      // Randomized p-value: exactly uniform for the discrete statistic (see NullCalibrationTest).
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
        "null kgw llama3: %d keys, %d passages, KS p=%.4f, false positives at 0.01: %d%n",
        NULL_KEYS, passages.size(), ks, falsePositives);
    assertTrue(ks > 0.001, "KS p-value " + ks);
    // P[Binomial(300, 0.01) > 9] < 1e-3.
    assertTrue(falsePositives <= 9, "false positives " + falsePositives);
  }
}
