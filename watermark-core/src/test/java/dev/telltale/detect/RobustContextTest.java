package dev.telltale.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.TestKeys;
import dev.telltale.embed.SessionBatch;
import dev.telltale.embed.WatermarkSession;
import dev.telltale.embed.Watermarker;
import dev.telltale.forensics.attribution.Attribution;
import dev.telltale.forensics.attribution.AttributionPolicy;
import dev.telltale.forensics.radioactivity.RadioactivityResult;
import dev.telltale.forensics.radioactivity.RadioactivityTest;
import dev.telltale.forensics.radioactivity.WindowFilter;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.scheme.PayloadParameters;
import dev.telltale.text.ContextSkip;
import dev.telltale.text.Tokenizer;
import dev.telltale.text.Tokenizers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Keys with the robust-context option: their sessions keep tokens with no letter or digit out of
 * the contexts, and every detection path drops them before scoring, so inserting or deleting such
 * tokens leaves detection exactly as it was.
 */
class RobustContextTest {
  static final Tokenizer TOK = Tokenizers.cl100kBase();
  static final String[] WORDS =
      ("the of and to in that is for it as was with be by on not he this are or his from at which"
              + " but have an they you were her she there been one all we their has would when if"
              + " council member state report vote house policy market europe union law right")
          .split(" ");
  static final int[] WORD_IDS = ids(WORDS, " ");
  static final int[] PUNCT_IDS = ids(new String[] {",", ".", ";", " -", "!"}, "");
  static final int[] EMOJI = TOK.encode(" \uD83D\uDE00");

  static int[] ids(String[] words, String prefix) {
    int[] out = new int[words.length];
    for (int i = 0; i < words.length; i++) {
      int[] t = TOK.encode(prefix + words[i]);
      assertEquals(1, t.length, words[i]);
      out[i] = t[0];
    }
    return out;
  }

  static WatermarkKey robust(long seed, boolean gumbel) {
    return TestKeys.key(
        seed,
        gumbel
            ? GumbelParameters.builder().robustContext(true).build()
            : GreenListParameters.builder().robustContext(true).build());
  }

  /**
   * A text of {@code words} word tokens embedded with {@code key}'s robust watermarker; the
   * candidates are the words and punctuation, with flat logits.
   */
  static int[] embed(WatermarkKey key, int words, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] cands = new int[WORD_IDS.length + PUNCT_IDS.length];
    System.arraycopy(WORD_IDS, 0, cands, 0, WORD_IDS.length);
    System.arraycopy(PUNCT_IDS, 0, cands, WORD_IDS.length, PUNCT_IDS.length);
    WatermarkSession s = Watermarker.of(key, TOK).newSession();
    boolean gumbel = key.parameters() instanceof GumbelParameters;
    int[] out = new int[words * 3];
    int n = 0;
    for (int kept = 0; kept < words; ) {
      float[] logits = new float[cands.length];
      int t;
      if (gumbel) {
        t = s.sample(logits, cands, cands.length, 1.0, r);
      } else {
        s.bias(logits, cands, cands.length);
        t = cands[softmax(logits, r)];
      }
      s.accept(t);
      out[n++] = t;
      kept += ContextSkip.of(TOK).skips(t) ? 0 : 1;
    }
    return Arrays.copyOf(out, n);
  }

  static int softmax(float[] logits, SplittableRandom r) {
    double z = 0;
    for (float l : logits) {
      z += Math.exp(l);
    }
    double u = r.nextDouble() * z;
    for (int i = 0; i < logits.length; i++) {
      u -= Math.exp(logits[i]);
      if (u <= 0) {
        return i;
      }
    }
    return logits.length - 1;
  }

  /** {@code ids} with the emoji marker after every word and every second punctuation dropped. */
  static int[] attacked(int[] ids) {
    List<Integer> out = new ArrayList<>();
    int punct = 0;
    for (int t : ids) {
      boolean skip = ContextSkip.of(TOK).skips(t);
      if (skip && punct++ % 2 == 0) {
        continue;
      }
      out.add(t);
      if (!skip) {
        for (int e : EMOJI) {
          out.add(e);
        }
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  @Test
  void insertedAndDeletedSkippedTokensChangeNoDetection() {
    for (boolean gumbel : new boolean[] {false, true}) {
      WatermarkKey key = robust(gumbel ? 21 : 22, gumbel);
      Detector d = Detector.of(key, TOK, DetectionPolicy.defaults().withWindow(true));
      int[] ids = embed(key, 150, 5);
      int[] attacked = attacked(ids);
      assertNotEquals(ids.length, attacked.length);
      Detection a = d.detectTokens(ids, 0, ids.length);
      Detection b = d.detectTokens(attacked, 0, attacked.length);
      assertTrue(a.global().log10PValue() < -6, a.toString());
      assertEquals(a.scoredTokens(), b.scoredTokens());
      assertEquals(a.score(), b.score());
      assertEquals(a.global().log10PValue(), b.global().log10PValue());
      // Through text (re-tokenized, so a merge at a marker may move a token): still found.
      assertTrue(d.detectText(TOK.decode(attacked)).global().log10PValue() < -6);
      // The same secret with ordinary contexts: the attack moves every context.
      WatermarkKey ordinary =
          WatermarkKey.of(
              key.id(),
              gumbel ? GumbelParameters.defaults() : GreenListParameters.defaults(),
              key.secret(),
              key.created());
      Detection c =
          Detector.of(ordinary, TOK, DetectionPolicy.defaults())
              .detectTokens(attacked, 0, attacked.length);
      assertTrue(c.global().log10PValue() > -3, c.toString());
    }
  }

  @Test
  void skippedTokensAreNeitherScoredNorContext() {
    WatermarkKey key = robust(23, false);
    TupleScorer s = TupleScorer.of(key, TOK);
    assertTrue(s.robustContext());
    int[] ids = {
      PUNCT_IDS[0], WORD_IDS[0], PUNCT_IDS[1], WORD_IDS[1], EMOJI[0], WORD_IDS[2], PUNCT_IDS[2]
    };
    ScoreAccumulator acc = new ScoreAccumulator();
    ScoreTrace trace = new ScoreTrace();
    s.score(ids, 0, ids.length, new ExactTape(16), acc, trace);
    // Three kept tokens, h = 2: one tuple, at the third word's original position.
    assertEquals(1, acc.scored());
    assertEquals(1, trace.size());
    assertEquals(5, trace.position(0));
    assertFalse(
        TupleScorer.of(TestKeys.key(23, GreenListParameters.defaults()), TOK).robustContext());
  }

  @Test
  void robustKeysRefuseTheTokenizerFreeEntryPoints() {
    WatermarkKey key = robust(24, true);
    assertThrows(IllegalArgumentException.class, () -> TupleScorer.of(key));
    assertThrows(IllegalArgumentException.class, () -> Watermarker.of(key));
    assertThrows(
        IllegalArgumentException.class,
        () -> RadioactivityTest.of(key, RadioactivityTest.Options.strict(), Optional.empty()));
    assertThrows(
        IllegalArgumentException.class,
        () -> WindowFilter.fromReference(key, List.of(new int[] {1, 2, 3}), 1));
  }

  @Test
  void gumbelChoiceStaysDistortionFree() {
    // Over contexts (a PRF of the key), the robust choice is distributed as the softmax: the
    // skipped class by a plain draw, the kept class by the Gumbel-max choice.
    WatermarkKey key = robust(25, true);
    int[] cands = {WORD_IDS[0], WORD_IDS[1], PUNCT_IDS[0], PUNCT_IDS[1], WORD_IDS[2]};
    float[] logits = {1.0f, 0.2f, 0.5f, -0.5f, -1.0f};
    double[] p = new double[cands.length];
    double z = 0;
    for (int i = 0; i < p.length; i++) {
      p[i] = Math.exp(logits[i]);
      z += p[i];
    }
    int trials = 40_000;
    int[] count = new int[cands.length];
    Watermarker w = Watermarker.of(key, TOK);
    SplittableRandom r = new SplittableRandom(3);
    for (int t = 0; t < trials; t++) {
      WatermarkSession s = w.newSession(new int[] {WORD_IDS[t % 40], 5000 + t}, 0, 2);
      int chosen = s.sample(logits.clone(), cands, cands.length, 1.0, r);
      count[Arrays.stream(cands).boxed().toList().indexOf(chosen)]++;
    }
    for (int i = 0; i < p.length; i++) {
      double e = trials * p[i] / z;
      double sd = Math.sqrt(e * (1 - p[i] / z));
      assertTrue(Math.abs(count[i] - e) < 5 * sd, i + ": " + count[i] + " vs " + e);
    }
  }

  @Test
  void twoStepsInOneContextAreIndependentDraws() {
    // After a skipped token the context has not moved; the next choice must still be a fresh
    // softmax draw, not the same uniforms choosing the same skipped token again.
    WatermarkKey key = robust(30, true);
    int[] cands = {WORD_IDS[0], PUNCT_IDS[0], PUNCT_IDS[1]};
    float[] logits = {0f, 0f, 0f};
    Watermarker w = Watermarker.of(key, TOK);
    SplittableRandom r = new SplittableRandom(4);
    int trials = 30_000;
    int firstSkipped = 0;
    int repeated = 0;
    for (int t = 0; t < trials; t++) {
      WatermarkSession s = w.newSession(new int[] {WORD_IDS[t % 40], 9000 + t}, 0, 2);
      int a = s.sample(logits.clone(), cands, 3, 1.0, r);
      s.accept(a);
      if (a == WORD_IDS[0]) {
        continue;
      }
      firstSkipped++;
      repeated += s.sample(logits.clone(), cands, 3, 1.0, r) == a ? 1 : 0;
    }
    // Independent draws repeat with probability 1/3; the same uniforms would repeat every time.
    double e = firstSkipped / 3.0;
    assertTrue(Math.abs(repeated - e) < 5 * Math.sqrt(e * 2 / 3), repeated + " vs " + e);
  }

  @Test
  void theKeptTokenAfterASkippedOneGetsFreshUniforms() {
    // A skipped token drawn at a context spends none of its uniforms: the kept token chosen next
    // in the same context is the one the Gumbel choice over the kept candidates gives directly.
    WatermarkKey key = robust(26, true);
    int[] cands = {WORD_IDS[3], WORD_IDS[4], WORD_IDS[5], PUNCT_IDS[0]};
    int[] kept = {WORD_IDS[3], WORD_IDS[4], WORD_IDS[5]};
    Watermarker w = Watermarker.of(key, TOK);
    int agree = 0;
    for (int t = 0; t < 200; t++) {
      int[] prompt = {WORD_IDS[t % 40], 7000 + t};
      WatermarkSession direct = w.newSession(prompt, 0, 2);
      int expected = direct.sample(new float[3], kept, 3, 1.0, new SplittableRandom(t));
      WatermarkSession s = w.newSession(prompt, 0, 2);
      // the punctuation is nearly certain at the first step
      int first = s.sample(new float[] {-30, -30, -30, 30}, cands, 4, 1.0, new SplittableRandom(t));
      assertEquals(PUNCT_IDS[0], first);
      s.accept(first);
      int next = s.sample(new float[] {0, 0, 0, -30}, cands, 4, 1.0, new SplittableRandom(t));
      agree += next == expected ? 1 : 0;
    }
    assertEquals(200, agree);
  }

  @Test
  void rollingBackASkippedTokenKeepsTheRepeatedContextTable() {
    WatermarkKey key = robust(27, true);
    WatermarkSession s = Watermarker.of(key, TOK).newSession();
    SessionBatch batch = new SessionBatch(new WatermarkSession[] {s}, 4);
    batch.accept(0, WORD_IDS[0]);
    batch.accept(0, WORD_IDS[1]);
    assertTrue(s.watermarking());
    batch.accept(0, PUNCT_IDS[0]);
    batch.rollback(0, 1);
    batch.commit(0);
    batch.accept(0, WORD_IDS[0]);
    batch.accept(0, WORD_IDS[1]);
    // (w0, w1) was seen: a repeated context carries no watermark.
    assertFalse(s.watermarking());
  }

  @Test
  void radioactivityAndAttributionDropTheSkippedClassToo() {
    WatermarkKey key = robust(28, false);
    int[] answer = embed(key, 200, 8);
    int[] prompt = {WORD_IDS[0], PUNCT_IDS[0], WORD_IDS[1]};
    RadioactivityTest t =
        RadioactivityTest.of(key, TOK, RadioactivityTest.Options.strict(), Optional.empty());
    RadioactivityResult plain =
        t.closedModel(List.of(new RadioactivityTest.Exchange(prompt, answer)));
    RadioactivityResult sprinkled =
        t.closedModel(List.of(new RadioactivityTest.Exchange(prompt, attacked(answer))));
    assertEquals(plain.scoredTuples(), sprinkled.scoredTuples());
    assertEquals(plain.p().log10PValue(), sprinkled.p().log10PValue());
    assertTrue(plain.p().log10PValue() < -6, plain.toString());

    WatermarkKey payloadKey =
        TestKeys.key(
            29,
            GreenListParameters.builder()
                .payload(PayloadParameters.ofBits(8))
                .robustContext(true)
                .build());
    int[] ids = new int[0];
    SplittableRandom r = new SplittableRandom(9);
    WatermarkSession s = Watermarker.forAccount(payloadKey, 77, TOK).newSession();
    List<Integer> out = new ArrayList<>();
    int[] cands = WORD_IDS;
    for (int i = 0; i < 300; i++) {
      float[] logits = new float[cands.length];
      s.bias(logits, cands, cands.length);
      int tok = cands[softmax(logits, r)];
      s.accept(tok);
      out.add(tok);
      if (i % 3 == 0) {
        s.accept(PUNCT_IDS[i % PUNCT_IDS.length]);
        out.add(PUNCT_IDS[i % PUNCT_IDS.length]);
      }
    }
    ids = out.stream().mapToInt(Integer::intValue).toArray();
    Attribution a = Attribution.of(payloadKey, TOK, AttributionPolicy.defaults());
    assertEquals(
        a.votes(ids, 0, ids.length).decode(),
        a.votes(attacked(ids), 0, attacked(ids).length).decode());
    assertEquals(77, a.votes(ids, 0, ids.length).decode());
  }
}
