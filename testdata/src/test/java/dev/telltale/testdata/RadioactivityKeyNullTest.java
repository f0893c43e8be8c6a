package dev.telltale.testdata;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.embed.Watermarker;
import dev.telltale.forensics.radioactivity.RadioactivityResult;
import dev.telltale.forensics.radioactivity.RadioactivityTest;
import dev.telltale.forensics.radioactivity.WindowFilter;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.stats.Tails;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.hipparchus.distribution.continuous.UniformRealDistribution;
import org.hipparchus.distribution.discrete.BinomialDistribution;
import org.hipparchus.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The radioactivity null under the key that made our text: for each of many keys the investigator's
 * prompts are regenerated with that key (human openings continued by watermarked teacher tokens),
 * the untainted student (rho = 0, echoing its prompt like an instruction-tuned model) answers them,
 * and the answers are tested with that same key; in reading mode the student and an innocent
 * context-copying model ({@link ContextCopyingModel}) read teacher text watermarked with the key.
 * Every mode that gives a verdict (closed with the own / all prompt filter, supervised, reading)
 * must give uniform randomized p-values (Kolmogorov–Smirnov) and at most the expected number of p ≤
 * 0.01.
 *
 * <p>CI size: 200 keys, short prompts, answers and readings. {@code -Dtelltale.fullNull=true} runs
 * 300 keys at the demo's query sizes; its printed figures are the README's.
 */
class RadioactivityKeyNullTest {
  static final boolean FULL = Boolean.getBoolean("telltale.fullNull");
  static final int KEYS = Integer.getInteger("telltale.nullKeys", FULL ? 300 : 200);
  static final int PROMPTS = FULL ? 40 : 8;
  static final int OPENING_TOKENS = 16;
  static final int MARKED_TOKENS = FULL ? 32 : 16;
  static final int ANSWER_TOKENS = FULL ? 160 : 40;
  static final int READING_TOKENS = FULL ? 1_000 : 250;

  static TeacherGenerator teacher;
  static DistillationSimulator sim;
  static LanguageModel answering;
  static KneserNeyModel student;
  static List<int[]> openings;
  static List<int[]> reference;

  @BeforeAll
  static void setUp() {
    teacher = TeacherGenerator.defaultTeacher();
    sim = new DistillationSimulator(teacher, SamplingParams.defaults());
    List<int[]> human = sim.humanDocuments();
    student =
        DistillationSimulator.student(
            0.0,
            human,
            List.of(),
            FULL ? 100_000 : 50_000,
            DistillationSimulator.STUDENT_ORDER,
            teacher.tokenizer().vocabSize());
    answering = new PromptEchoModel(student, 0.4);
    openings = teacher.heldOutPrompts(PROMPTS, OPENING_TOKENS);
    reference = DistillationStory.referenceText(human, 100_000);
  }

  /** The per-key figures of every mode, then the KS and false-positive checks. */
  @Test
  void everyVerdictGivingModeIsUniformUnderTheKeyThatMadeThePrompts() {
    Map<String, double[]> randomized = new LinkedHashMap<>();
    for (String m : List.of("closed-own", "closed-all", "supervised", "reading", "copying")) {
      randomized.put(m, new double[KEYS]);
    }
    long t0 = System.nanoTime();
    List<double[]> perKey = IntStream.range(0, KEYS).parallel().mapToObj(this::oneKey).toList();
    for (int k = 0; k < KEYS; k++) {
      int j = 0;
      for (double[] a : randomized.values()) {
        a[k] = perKey.get(k)[j++];
      }
    }
    System.out.printf(
        "radioactivity null under the prompts' key: %d keys, %d prompts (%d+%d tokens), %d-token"
            + " answers, %d-token readings (%.0f s)%n",
        KEYS,
        PROMPTS,
        OPENING_TOKENS,
        MARKED_TOKENS,
        ANSWER_TOKENS,
        READING_TOKENS,
        (System.nanoTime() - t0) / 1e9);
    List<String> failures = new ArrayList<>();
    for (Map.Entry<String, double[]> e : randomized.entrySet()) {
      double[] p = e.getValue();
      double ks =
          new KolmogorovSmirnovTest().kolmogorovSmirnovTest(new UniformRealDistribution(0, 1), p);
      long below = Arrays.stream(p).filter(x -> x <= 0.01).count();
      System.out.printf(
          "  %-10s KS p=%.4f, randomized p <= 0.01: %d/%d%n", e.getKey(), ks, below, KEYS);
      // P[Binomial(200, 0.01) > 8] < 1e-3
      if (ks <= 0.001 || below > (FULL ? 10 : 8)) {
        failures.add(e.getKey() + " (KS p " + ks + ", " + below + " at 0.01)");
      }
    }
    assertTrue(failures.isEmpty(), "not uniform: " + failures);
  }

  private double[] oneKey(int k) {
    SplittableRandom r = new SplittableRandom(7_000 + k);
    WatermarkKey key = NullCalibrationTest.randomKey(r, GreenListParameters.defaults());
    Watermarker ours = Watermarker.of(key);
    List<RadioactivityTest.Exchange> exchanges = new ArrayList<>();
    for (int i = 0; i < openings.size(); i++) {
      int[] o = openings.get(i);
      int[] cont =
          teacher.generate(o, MARKED_TOKENS, SamplingParams.defaults(), 31L * k + i, ours).tokens();
      int[] prompt = concat(o, cont);
      int[] answer =
          new TeacherGenerator(answering, teacher.tokenizer(), TeacherGenerator.CL100K_ORDINARY_IDS)
              .generate(prompt, ANSWER_TOKENS, SamplingParams.defaults(), 97L * k + i)
              .tokens();
      exchanges.add(new RadioactivityTest.Exchange(prompt, answer));
    }
    RadioactivityTest own =
        RadioactivityTest.of(key, RadioactivityTest.Options.strict(), Optional.empty());
    RadioactivityTest all =
        RadioactivityTest.of(
            key,
            new RadioactivityTest.Options(true, RadioactivityTest.PromptFilter.ALL_PROMPTS),
            Optional.empty());
    RadioactivityTest supervised =
        RadioactivityTest.of(
            key,
            RadioactivityTest.Options.strict(),
            Optional.of(WindowFilter.fromReference(key, reference, 2)));
    int[] text =
        teacher
            .generate(
                openings.get(k % openings.size()),
                READING_TOKENS,
                SamplingParams.defaults(),
                5L * k,
                ours)
            .tokens();
    RadioactivityTest.Reading byStudent = new RadioactivityTest.Reading(text, top1(student, text));
    RadioactivityTest.Reading byCopier =
        new RadioactivityTest.Reading(
            text,
            new ContextCopyingModel(2, TeacherGenerator.CL100K_ORDINARY_IDS)
                .predictions(text, 11L * k));
    return new double[] {
      randomized(own.closedModel(exchanges), r),
      randomized(all.closedModel(exchanges), r),
      randomized(supervised.closedModel(exchanges), r),
      randomized(own.readingMode(List.of(byStudent)), r),
      randomized(own.readingMode(List.of(byCopier)), r)
    };
  }

  /** The model's most likely next token at every position (position 0 from an empty context). */
  static int[] top1(LanguageModel model, int[] text) {
    float[] logits = new float[model.vocabSize()];
    int[] out = new int[text.length];
    for (int i = 0; i < text.length; i++) {
      model.logits(text, 0, i, logits);
      int best = 0;
      for (int v = 1; v < TeacherGenerator.CL100K_ORDINARY_IDS; v++) {
        if (logits[v] > logits[best]) {
          best = v;
        }
      }
      out[i] = best;
    }
    return out;
  }

  /**
   * Randomized p-value {@code P[X > G] + U P[X = G]} of a KGW result: exactly uniform under the
   * null, so KS tests the calibration rather than the lattice of attainable p-values.
   */
  static double randomized(RadioactivityResult res, SplittableRandom r) {
    long n = res.scoredTuples();
    if (n == 0) {
      return r.nextDouble();
    }
    long g = (long) res.score();
    double gamma = res.expectedShare();
    double pGreater = g + 1 > n ? 0.0 : Tails.binomialUpper(n, g + 1, gamma).pValue();
    double pEqual = new BinomialDistribution((int) n, gamma).probability((int) g);
    return pGreater + r.nextDouble() * pEqual;
  }

  static int[] concat(int[] a, int[] b) {
    int[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
