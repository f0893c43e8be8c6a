package dev.telltale.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.text.Tokenizer;
import org.junit.jupiter.api.Test;

/**
 * The demo teacher over Gemma 3's whole id space (262,145 ids, beyond 2^18): it trains as {@code
 * generate --tokenizer} trains it, and its distributions cover every id and are normalised.
 */
class Gemma3TeacherTest {
  @Test
  void theTeacherTrainsOverGemma3sWholeVocabulary() {
    Tokenizer gemma = ModelTokenizers.telltale("gemma3");
    assertTrue(gemma.vocabSize() > 1 << 18, "Gemma 3 has " + gemma.vocabSize() + " ids");
    KneserNeyModel m =
        KneserNeyModel.train(gemma, EuroparlCorpus.load().train(), KneserNeyModel.DEFAULT_ORDER);
    assertEquals(gemma.vocabSize(), m.vocabSize());
    float[] out = new float[m.vocabSize()];
    int[] ctx = gemma.encode("the Member");
    m.logits(ctx, 0, ctx.length, out);
    double sum = 0;
    for (float l : out) {
      assertTrue(Float.isFinite(l), "finite log-probability");
      sum += Math.exp(l);
    }
    assertEquals(1.0, sum, 1e-4);
    int states = gemma.encode(" States")[0];
    assertTrue(out[states] > Math.log(0.5), "P(States | the Member) = " + Math.exp(out[states]));
  }
}
