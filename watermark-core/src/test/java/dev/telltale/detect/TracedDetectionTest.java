package dev.telltale.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.telltale.key.KeySet;
import dev.telltale.key.WatermarkKey;
import dev.telltale.text.AttackedTexts;
import dev.telltale.text.Deadline;
import dev.telltale.text.Tokenizer;
import dev.telltale.text.Tokenizers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * A detection that keeps the reported key's trace gives the detection without it, and the spread
 * check split from that trace gives the check that scores the tokens again: for every scheme kind,
 * with and without windows, on token ids with a prompt and on texts, for one key and for several.
 */
class TracedDetectionTest {
  private static final Tokenizer TOK = Tokenizers.byName(Tokenizers.CL100K_BASE);

  /** Ranks low enough that a text's contexts fall on both sides. */
  private static final SpreadReference REFERENCE = SpreadReference.tokenizerRanks(2_000);

  @Test
  void tokenIdsGiveTheSameDetectionAndSplit() {
    Map<String, WatermarkKey> keys = DedupUnitAgreementTest.keys();
    SplittableRandom rnd = new SplittableRandom(0x7AC3L);
    int checked = 0;
    for (WatermarkKey key : keys.values()) {
      for (boolean window : new boolean[] {false, true}) {
        DetectionPolicy policy = DetectionPolicy.defaults().withWindow(window);
        for (int round = 0; round < 6; round++) {
          int[] ids = round % 2 == 0 ? randomIds(rnd, rnd.nextInt(0, 400)) : repetitive(rnd);
          int off = ids.length == 0 ? 0 : rnd.nextInt(0, Math.min(20, ids.length) + 1);
          checkTokens(KeySet.single(key), ids, off, policy);
          checked++;
        }
      }
    }
    // Several keys: the trace handed back is the reported key's, whichever it is.
    List<WatermarkKey> all = new ArrayList<>(keys.values());
    for (int round = 0; round < 12; round++) {
      List<WatermarkKey> some = new ArrayList<>();
      for (int k = 0; k < 3; k++) {
        some.add(all.get(rnd.nextInt(all.size())));
      }
      some = some.stream().distinct().toList();
      KeySet set = KeySet.of(some.get(0).id(), some);
      checkTokens(set, repetitive(rnd), 0, DetectionPolicy.defaults());
      checked++;
    }
    assertTrue(checked > 100);
  }

  @Test
  void textsGiveTheSameDetectionAndSplit() {
    List<WatermarkKey> keys = new ArrayList<>(DedupUnitAgreementTest.keys().values());
    AtomicInteger traced = new AtomicInteger();
    AtomicInteger untraced = new AtomicInteger();
    qt().withFixedSeed(0x7AC4L)
        .withExamples(80)
        .forAll(
            integers().between(0, 3).flatMap(k -> k == 0 ? AttackedTexts.texts(60) : plainTexts()),
            integers().between(0, 1_000_000))
        .checkAssert(
            (text, i) -> {
              List<FormTokens> forms = FormTokens.encode(TOK, text, FormTokens.family(i % 3 == 0));
              WatermarkKey key = keys.get(i % keys.size());
              KeySet set =
                  i % 4 == 3
                      ? KeySet.of(key.id(), List.of(key, keys.get((i + 5) % keys.size())))
                      : KeySet.single(key);
              DetectionPolicy policy = DetectionPolicy.defaults().withWindow(i % 2 == 1);
              KeySetDetector d = KeySetDetector.of(set, TOK, policy);
              KeySetDetector.Traced t = d.detectFormsTraced(forms, Deadline.NONE, new ScoreTrace());
              KeySetDetection plain = d.detectForms(forms, Deadline.NONE);
              assertEquals(plain, t.result(), text);
              assertEquals(forms.size() == 1, t.bestTrace().isPresent(), "a trace for one form");
              if (t.bestTrace().isPresent()) {
                assertSplitsAgree(set, plain, forms.get(0).ids(), 0, t.bestTrace().get(), policy);
                traced.incrementAndGet();
              } else {
                untraced.incrementAndGet();
              }
            });
    assertTrue(traced.get() > 20 && untraced.get() > 3, traced + " traced, " + untraced + " not");
  }

  /** Sentences of plain words: texts whose normal forms all agree. */
  private static Gen<String> plainTexts() {
    List<String> words =
        List.of(" the", " committee", " adopted", " report", " on", " Tuesday", ",", ".", " vote");
    return lists()
        .of(integers().between(0, words.size() - 1).map(words::get))
        .ofSizeBetween(0, 300)
        .map(l -> "The" + String.join("", l));
  }

  private static void checkTokens(KeySet set, int[] ids, int off, DetectionPolicy policy) {
    KeySetDetector d = KeySetDetector.of(set, TOK, policy);
    // A trace left over from another text must not leak into this one.
    ScoreTrace into = new ScoreTrace();
    d.detectTokensTraced(randomIds(new SplittableRandom(1), 50), 0, 50, Deadline.NONE, into);
    KeySetDetector.Traced t = d.detectTokensTraced(ids, off, ids.length - off, Deadline.NONE, into);
    KeySetDetection plain = d.detectTokens(ids, off, ids.length - off, Deadline.NONE);
    assertEquals(plain, t.result());
    assertSplitsAgree(set, plain, ids, off, t.bestTrace().orElseThrow(), policy);
  }

  private static void assertSplitsAgree(
      KeySet set, KeySetDetection r, int[] ids, int off, ScoreTrace trace, DetectionPolicy policy) {
    Detector best = Detector.of(set.get(r.best().keyId()).orElseThrow(), TOK, policy);
    SpreadCheck check = REFERENCE.check(best, SpreadReference.DEFAULT_RARE_LEVEL);
    boolean detected = r.verdict() == Verdict.WATERMARKED;
    SpreadCheck.Result again = check.check(ids, off, ids.length - off, detected);
    assertEquals(again, check.check(trace, ids, off, detected));
    assertEquals(
        DetectionJson.addSpreadCheck(DetectionJson.of(r, TOK), r, best, ids, off, REFERENCE, 0.01),
        DetectionJson.addSpreadCheck(
            DetectionJson.of(r, TOK),
            r,
            best,
            ids,
            off,
            REFERENCE,
            0.01,
            java.util.Optional.of(trace)));
  }

  private static int[] randomIds(SplittableRandom rnd, int n) {
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = rnd.nextInt(0, 5_000);
    }
    return ids;
  }

  private static int[] repetitive(SplittableRandom rnd) {
    return DedupUnitAgreementTest.repetitive(rnd.nextBoolean(), rnd.nextLong());
  }
}
