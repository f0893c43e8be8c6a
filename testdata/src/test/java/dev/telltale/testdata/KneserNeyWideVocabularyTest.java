package dev.telltale.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Vocabularies above 2^18 ids (Gemma 3 has 262,145): the teacher packs context ids exactly, so
 * contexts that differ only in an id's high bits stay apart, and every distribution is normalised.
 */
class KneserNeyWideVocabularyTest {
  static final int GEMMA3_IDS = 262_145;

  private static List<int[]> repeat(int times, int[]... docs) {
    List<int[]> out = new ArrayList<>();
    for (int i = 0; i < times; i++) {
      out.addAll(List.of(docs));
    }
    return out;
  }

  private static double sumOfProbabilities(float[] logits) {
    double sum = 0;
    for (float l : logits) {
      assertTrue(Float.isFinite(l), "finite log-probability");
      sum += Math.exp(l);
    }
    return sum;
  }

  @Test
  void gemma3SizedVocabularyTrainsAndPredictsItsTopIds() {
    int top = GEMMA3_IDS - 1;
    KneserNeyModel m =
        KneserNeyModel.fit(
            repeat(20, new int[] {5, top, 7, top - 1}, new int[] {5, 6, 7, 8}), GEMMA3_IDS, 4);
    assertEquals(GEMMA3_IDS, m.vocabSize());
    float[] out = new float[GEMMA3_IDS];
    m.logits(new int[] {5, top, 7}, 0, 3, out);
    assertEquals(1.0, sumOfProbabilities(out), 1e-4);
    assertTrue(out[top - 1] > Math.log(0.5), "P(top-1 | 5 top 7) = " + Math.exp(out[top - 1]));
    m.logits(new int[] {5, 6, 7}, 0, 3, out);
    assertTrue(out[8] > Math.log(0.5), "P(8 | 5 6 7) = " + Math.exp(out[8]));
    assertTrue(out[8] > out[top - 1] + 2);
  }

  @Test
  void contextsDifferingOnlyInHighBitsStayApart() {
    int wide = (1 << 18) + 3; // with 18 bits per id its bit 18 would land on the previous id
    int vocab = (1 << 20) - 2;
    KneserNeyModel m =
        KneserNeyModel.fit(
            repeat(20, new int[] {1, 2, wide, 10}, new int[] {1, 3, 3, 20}), vocab, 4);
    float[] out = new float[vocab];
    m.logits(new int[] {1, 2, wide}, 0, 3, out);
    assertEquals(1.0, sumOfProbabilities(out), 1e-4);
    assertTrue(out[10] > Math.log(0.5), "P(10 | 1 2 wide) = " + Math.exp(out[10]));
    assertTrue(out[10] > out[20] + 2);
    m.logits(new int[] {1, 3, 3}, 0, 3, out);
    assertTrue(out[20] > Math.log(0.5), "P(20 | 1 3 3) = " + Math.exp(out[20]));
    assertTrue(out[20] > out[10] + 2);
  }

  @Test
  void aVocabularyBeyondThePackingIsAClearError() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> KneserNeyModel.fit(List.of(new int[] {1, 2}), (1 << 20) - 1, 4));
    assertTrue(e.getMessage().contains("vocabulary size"), e.getMessage());
  }
}
