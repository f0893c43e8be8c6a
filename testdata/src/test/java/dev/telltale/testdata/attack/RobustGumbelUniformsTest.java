package dev.telltale.testdata.attack;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.detect.DetectionPolicy;
import dev.telltale.detect.Detector;
import dev.telltale.detect.ExactTape;
import dev.telltale.detect.ScoreAccumulator;
import dev.telltale.detect.ScoreTrace;
import dev.telltale.detect.TupleScorer;
import dev.telltale.embed.WatermarkSession;
import dev.telltale.embed.Watermarker;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.testdata.LanguageModel;
import dev.telltale.testdata.TeacherGenerator;
import dev.telltale.text.ContextSkip;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Why Gumbel lost power with robust contexts, measured: the teacher (top-k 50, T 1) generates
 * 200-token texts under a robust-context Gumbel key in two ways. "Shared uniforms": the Gumbel-max
 * choice runs over every candidate, skipped ones included, and the session simply does not take
 * skipped tokens into its context (what generation did before the robust choice). After a skipped
 * token the context has not moved, so the same uniforms choose again, and the skipped token that
 * just won tends to win again: the text repeats its punctuation and spends its length on tokens
 * that are never scored. "Robust choice": {@link WatermarkSession} draws skipped tokens plainly and
 * spends the uniforms on kept tokens only. Printed: mean score {@code -ln(1-r)} of scored tuples
 * right after a skipped token and elsewhere (with their counts), texts found at 1e-3, skipped
 * tokens emitted, duplicate tuples, runs of three or more skipped tokens, and skipped tokens that
 * repeat the one before. {@code -Dtelltale.robustgumbel.texts=30} for the README's size; CI runs
 * 20.
 */
class RobustGumbelUniformsTest {
  static final int TEXTS = Integer.getInteger("telltale.robustgumbel.texts", 20);
  static final int TOKENS = 200;

  @Test
  void sharedUniformsRepeatSkippedTokensAndLoseTuples() {
    TeacherGenerator teacher = TeacherGenerator.defaultTeacher();
    WatermarkKey robust =
        RobustnessFloorsTest.key(
            "gumbel", GumbelParameters.builder().robustContext(true).build(), 2);
    WatermarkKey sameSecretOrdinary =
        WatermarkKey.of(
            robust.id(), GumbelParameters.defaults(), robust.secret(), robust.created());
    ContextSkip skip = ContextSkip.of(teacher.tokenizer());
    List<int[]> prompts = teacher.heldOutPrompts(TEXTS, 8);
    double[][] shared = run(teacher, robust, Watermarker.of(sameSecretOrdinary), skip, prompts);
    double[][] fresh =
        run(teacher, robust, Watermarker.of(robust, teacher.tokenizer()), skip, prompts);
    System.out.printf(
        "robust-context Gumbel, %d texts of %d tokens: mean score after a skipped token / elsewhere"
            + " (tuples); texts at p <= 1e-3%n",
        TEXTS, TOKENS);
    print("shared uniforms", shared);
    print("robust choice  ", fresh);
    // Shared uniforms repeat skipped tokens (over a thousand at 30 texts; 5 with the robust
    // choice) and so score fewer tuples.
    assertTrue(
        shared[2][4] > 10 * (fresh[2][4] + 1), "repeats " + shared[2][4] + " " + fresh[2][4]);
    assertTrue(shared[2][1] > 2 * fresh[2][1], "skipped " + shared[2][1] + " " + fresh[2][1]);
    assertTrue(
        fresh[1][0] + fresh[1][1] > 1.1 * (shared[1][0] + shared[1][1]),
        "tuples " + Arrays.toString(fresh[1]) + " " + Arrays.toString(shared[1]));
  }

  static void print(String name, double[][] r) {
    System.out.printf(
        "%s: %.3f (%d) / %.3f (%d); %d of %d; skipped tokens %d, duplicate tuples %d, runs of 3+"
            + " skipped %d, skipped token repeating the previous one %d%n",
        name,
        r[0][0],
        (long) r[1][0],
        r[0][1],
        (long) r[1][1],
        (long) r[2][0],
        TEXTS,
        (long) r[2][1],
        (long) r[2][2],
        (long) r[2][3],
        (long) r[2][4]);
  }

  /** {mean after skipped, mean elsewhere}, {counts}, {texts detected}. */
  static double[][] run(
      TeacherGenerator teacher,
      WatermarkKey robust,
      Watermarker watermarker,
      ContextSkip skip,
      List<int[]> prompts) {
    LanguageModel model = teacher.model();
    Detector detector = Detector.of(robust, teacher.tokenizer(), DetectionPolicy.defaults());
    TupleScorer scorer = TupleScorer.of(robust, teacher.tokenizer());
    float[] logits = new float[model.vocabSize()];
    int k = 50;
    int[] cands = new int[k];
    float[] candLogits = new float[k];
    double[] sum = new double[2];
    long[] count = new long[2];
    long detected = 0;
    long skipped = 0;
    long duplicates = 0;
    long longRuns = 0;
    long repeatedSkip = 0;
    for (int t = 0; t < prompts.size(); t++) {
      int[] prompt = prompts.get(t);
      SplittableRandom rng = new SplittableRandom(1000 + t);
      WatermarkSession s = watermarker.newSession(skip.kept(prompt), 0, skip.kept(prompt).length);
      int[] history = Arrays.copyOf(prompt, prompt.length + TOKENS);
      int len = prompt.length;
      for (int step = 0; step < TOKENS; step++) {
        model.logits(history, 0, len, logits);
        Arrays.fill(
            logits, TeacherGenerator.CL100K_ORDINARY_IDS, logits.length, Float.NEGATIVE_INFINITY);
        topK(logits, k, cands, candLogits);
        int token = s.sample(candLogits, cands, k, 1.0, rng);
        // A robust session drops skipped tokens itself; the ordinary one must not see them.
        if (watermarker.parameters().robustContext() || !skip.skips(token)) {
          s.accept(token);
        }
        history[len++] = token;
      }
      int[] out = Arrays.copyOfRange(history, prompt.length, len);
      ScoreTrace trace = new ScoreTrace();
      ScoreAccumulator acc = new ScoreAccumulator();
      scorer.score(out, 0, out.length, new ExactTape(512), acc, trace);
      duplicates += acc.duplicates();
      int run = 0;
      for (int i = 0; i < out.length; i++) {
        if (skip.skips(out[i])) {
          skipped++;
          run++;
          repeatedSkip += i > 0 && out[i - 1] == out[i] ? 1 : 0;
          longRuns += run == 3 ? 1 : 0;
        } else {
          run = 0;
        }
      }
      for (int i = 0; i < trace.size(); i++) {
        int p = trace.position(i);
        int b = p > 0 && skip.skips(out[p - 1]) ? 0 : 1;
        sum[b] += trace.value(i);
        count[b]++;
      }
      detected += detector.detectTokens(out, 0, out.length).global().log10PValue() <= -3 ? 1 : 0;
    }
    return new double[][] {
      {sum[0] / count[0], sum[1] / count[1]},
      {count[0], count[1]},
      {detected, skipped, duplicates, longRuns, repeatedSkip}
    };
  }

  // The k most likely ids (any order) and their logits: a min-heap on candLogits.
  static void topK(float[] logits, int k, int[] cands, float[] candLogits) {
    for (int v = 0; v < k; v++) {
      cands[v] = v;
      candLogits[v] = logits[v];
    }
    for (int i = k / 2 - 1; i >= 0; i--) {
      siftDown(cands, candLogits, i, k);
    }
    for (int v = k; v < logits.length; v++) {
      if (logits[v] > candLogits[0]) {
        cands[0] = v;
        candLogits[0] = logits[v];
        siftDown(cands, candLogits, 0, k);
      }
    }
  }

  static void siftDown(int[] c, float[] l, int i, int n) {
    while (true) {
      int a = 2 * i + 1;
      if (a >= n) {
        return;
      }
      int m = a + 1 < n && l[a + 1] < l[a] ? a + 1 : a;
      if (l[m] >= l[i]) {
        return;
      }
      int tc = c[i];
      c[i] = c[m];
      c[m] = tc;
      float tl = l[i];
      l[i] = l[m];
      l[m] = tl;
      i = m;
    }
  }
}
