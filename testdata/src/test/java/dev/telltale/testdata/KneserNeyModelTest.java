package dev.telltale.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.text.Tokenizer;
import dev.telltale.text.Tokenizers;
import java.util.List;
import org.junit.jupiter.api.Test;

class KneserNeyModelTest {
  private final Tokenizer tok = Tokenizers.cl100kBase();
  private final KneserNeyModel model = KneserNeyModel.trainDefault();

  @Test
  void distributionsAreNormalisedAndFinite() {
    float[] out = new float[model.vocabSize()];
    List<String> prompts =
        List.of(
            "",
            "the",
            "Mr President, I",
            "We in the European Parliament",
            "zqxj unseen wibble",
            " of the Member States",
            "the Commission and the Council");
    for (String prompt : prompts) {
      int[] ctx = tok.encode(prompt);
      model.logits(ctx, 0, ctx.length, out);
      double sum = 0;
      for (float l : out) {
        assertTrue(Float.isFinite(l), "finite log-probability");
        sum += Math.exp(l);
      }
      assertEquals(1.0, sum, 1e-4, "sum after '" + prompt + "'");
      // The sparse path and the dense pass agree with the per-token formula.
      for (int v : new int[] {0, 279, 315, 13, 100_000, 100_276}) {
        assertEquals(model.logProb(ctx, 0, ctx.length, v), out[v], 1e-4);
      }
    }
  }

  @Test
  void seenContinuationsBeatUnseenOnes() {
    int[] ctx = tok.encode("the Member");
    float[] out = new float[model.vocabSize()];
    model.logits(ctx, 0, ctx.length, out);
    int states = tok.encode(" States")[0];
    int banana = tok.encode(" banana")[0];
    assertTrue(out[states] > Math.log(0.5), "P(States | the Member) = " + Math.exp(out[states]));
    assertTrue(out[states] > out[banana] + 5);
  }

  @Test
  void heldOutPerplexityIsFarBelowTheVocabulary() {
    List<int[]> heldOut = EuroparlCorpus.load().heldOut().stream().map(tok::encode).toList();
    long t0 = System.nanoTime();
    KneserNeyModel trigram = KneserNeyModel.train(tok, EuroparlCorpus.load().train(), 3);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    double pp4 = model.perplexity(heldOut);
    double pp3 = trigram.perplexity(heldOut);
    System.out.printf(
        "kn: %d training tokens, 4-gram types %d, trigram model trained in %d ms;"
            + " held-out perplexity order 4 = %.1f, order 3 = %.1f (%d tokens)%n",
        model.trainingTokens(),
        model.ngramTypes(4),
        ms,
        pp4,
        pp3,
        heldOut.stream().mapToInt(d -> d.length).sum());
    assertTrue(Double.isFinite(pp4) && pp4 > 1 && pp4 < 1_000, "perplexity " + pp4);
    assertTrue(ms < 10_000, "training took " + ms + " ms");
  }

  @Test
  void fiveGramModelsNormaliseToo() {
    KneserNeyModel five =
        KneserNeyModel.train(tok, EuroparlCorpus.load().train().subList(0, 200), 5);
    int[] ctx = tok.encode("I should like to thank the");
    float[] out = new float[five.vocabSize()];
    five.logits(ctx, 0, ctx.length, out);
    double sum = 0;
    for (float l : out) {
      sum += Math.exp(l);
    }
    assertEquals(1.0, sum, 1e-4);
  }

  @Test
  void rejectsBadArguments() {
    float[] out = new float[model.vocabSize()];
    assertThrows(IllegalArgumentException.class, () -> model.logits(new int[] {-1}, 0, 1, out));
    assertThrows(
        IllegalArgumentException.class, () -> model.logits(new int[] {1}, 0, 1, new float[10]));
    assertThrows(
        IllegalArgumentException.class, () -> KneserNeyModel.train(tok, List.of("a b"), 6));
  }
}
