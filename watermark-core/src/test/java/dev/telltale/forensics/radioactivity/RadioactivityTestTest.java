package dev.telltale.forensics.radioactivity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.TestKeys;
import dev.telltale.forensics.scan.ScanCorpora;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.text.Tokenizer;
import dev.telltale.text.Tokenizers;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RadioactivityTestTest {
  static final Tokenizer TOK = Tokenizers.cl100kBase();
  static final WatermarkKey KEY = TestKeys.key(7, GreenListParameters.defaults());

  static int[] marked(SplittableRandom r, WatermarkKey key) {
    return TOK.encode(ScanCorpora.document(TOK, 80, r, key, false));
  }

  @Test
  void readingModeFindsPredictionsThatFollowTheGreenListAndNotOthers() {
    SplittableRandom r = new SplittableRandom(1);
    List<RadioactivityTest.Reading> biased = new ArrayList<>();
    List<RadioactivityTest.Reading> plain = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      // A suspect that learned our text predicts exactly its next tokens.
      int[] ours = marked(r, KEY);
      biased.add(new RadioactivityTest.Reading(ours, ours));
      int[] other = TOK.encode(ScanCorpora.document(TOK, 80, r, null, false));
      plain.add(new RadioactivityTest.Reading(ours, shiftedCopy(other, ours.length)));
    }
    RadioactivityTest t =
        RadioactivityTest.of(KEY, RadioactivityTest.Options.strict(), Optional.empty());
    RadioactivityResult yes = t.readingMode(biased);
    RadioactivityResult no = t.readingMode(plain);
    assertEquals("reading", yes.mode());
    assertTrue(yes.p().log10PValue() < -10, "biased " + yes.p());
    assertTrue(no.p().log10PValue() > -3, "plain " + no.p());
    assertTrue(yes.share() > 0.4 && Math.abs(no.share() - 0.25) < 0.1);
  }

  private static int[] shiftedCopy(int[] src, int n) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = src[i % src.length];
    }
    return out;
  }

  @Test
  void answersEchoingAWatermarkedPromptAreRadioactiveOnlyWithoutThePromptFilter() {
    SplittableRandom r = new SplittableRandom(2);
    List<RadioactivityTest.Exchange> echo = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      int[] prompt = marked(r, KEY);
      // The answer repeats the prompt twice: every window of the answer occurs in the prompt.
      int[] answer = new int[prompt.length * 2];
      System.arraycopy(prompt, 0, answer, 0, prompt.length);
      System.arraycopy(prompt, 0, answer, prompt.length, prompt.length);
      echo.add(new RadioactivityTest.Exchange(prompt, answer));
    }
    RadioactivityResult naive =
        RadioactivityTest.of(
                KEY,
                new RadioactivityTest.Options(false, RadioactivityTest.PromptFilter.NONE),
                Optional.empty())
            .closedModel(echo);
    RadioactivityResult strict =
        RadioactivityTest.of(KEY, RadioactivityTest.Options.strict(), Optional.empty())
            .closedModel(echo);
    RadioactivityResult all =
        RadioactivityTest.of(
                KEY,
                new RadioactivityTest.Options(true, RadioactivityTest.PromptFilter.ALL_PROMPTS),
                Optional.empty())
            .closedModel(echo);
    assertTrue(naive.p().log10PValue() < -20, "naive " + naive.p());
    assertEquals(0, naive.duplicates());
    // Only the windows that straddle the join of the two copies are not in the prompt.
    assertTrue(strict.scoredTuples() <= 2L * echo.size(), "strict scored " + strict.scoredTuples());
    assertTrue(strict.skippedPromptWindows() > 0);
    assertTrue(strict.p().log10PValue() > -3, "strict " + strict.p());
    assertTrue(all.scoredTuples() <= strict.scoredTuples());
  }

  @Test
  void theGlobalTapeCountsARepeatedTupleOnce() {
    SplittableRandom r = new SplittableRandom(3);
    int[] answer = marked(r, KEY);
    List<RadioactivityTest.Exchange> same = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      same.add(new RadioactivityTest.Exchange(new int[] {1, 2, 3}, answer));
    }
    RadioactivityResult once =
        RadioactivityTest.of(KEY, RadioactivityTest.Options.strict(), Optional.empty())
            .closedModel(same.subList(0, 1));
    RadioactivityResult ten =
        RadioactivityTest.of(KEY, RadioactivityTest.Options.strict(), Optional.empty())
            .closedModel(same);
    assertEquals(once.scoredTuples(), ten.scoredTuples());
    assertEquals(once.p(), ten.p());
    assertEquals(
        9 * once.positions() + once.duplicates(),
        ten.duplicates() + 9 * once.skippedPromptWindows());
  }

  @Test
  void theWindowFilterKeepsOnlyWindowsOfAnUnwatermarkedReferenceAndMustBelongToTheKey() {
    SplittableRandom r = new SplittableRandom(4);
    List<int[]> ours = new ArrayList<>();
    List<int[]> reference = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      ours.add(marked(r, KEY));
      reference.add(marked(r, null));
    }
    // windows chosen from our watermarked outputs would depend on the key's green lists
    assertThrows(IllegalArgumentException.class, () -> WindowFilter.fromReference(KEY, ours, 2));
    WindowFilter f = WindowFilter.fromReference(KEY, reference, 2);
    assertTrue(f.size() > 0);
    List<RadioactivityTest.Exchange> ex = new ArrayList<>();
    for (int[] o : ours) {
      ex.add(new RadioactivityTest.Exchange(new int[0], o));
    }
    RadioactivityResult filtered =
        RadioactivityTest.of(KEY, RadioactivityTest.Options.strict(), Optional.of(f))
            .closedModel(ex);
    assertTrue(filtered.skippedByFilter() > 0 && filtered.scoredTuples() > 0);
    WatermarkKey gumbel = TestKeys.key(8, GumbelParameters.defaults());
    assertThrows(
        IllegalArgumentException.class,
        () -> RadioactivityTest.of(gumbel, RadioactivityTest.Options.strict(), Optional.of(f)));
    assertThrows(
        IllegalArgumentException.class,
        () -> new RadioactivityTest.Reading(new int[3], new int[2]));
  }
}
