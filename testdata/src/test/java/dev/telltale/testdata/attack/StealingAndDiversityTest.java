package dev.telltale.testdata.attack;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.collect.LongOpenHashSet;
import dev.telltale.detect.DetectionPolicy;
import dev.telltale.detect.Detector;
import dev.telltale.detect.SpreadCheck;
import dev.telltale.detect.SpreadReference;
import dev.telltale.embed.Watermarker;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.scheme.WatermarkParameters;
import dev.telltale.testdata.EuroparlCorpus;
import dev.telltale.testdata.SamplingParams;
import dev.telltale.testdata.TeacherGenerator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Watermark stealing (scrubbing and spoofing with a green-list estimate learnt from watermarked
 * outputs) and diversity across requests. CI size learns from 150 outputs; {@code
 * -Dtelltale.stealing.outputs=1000} prints the figure (README).
 */
class StealingAndDiversityTest {
  static final int OUTPUTS = Integer.getInteger("telltale.stealing.outputs", 150);
  static final int TOKENS = 200;
  static final int FRESH = 30;
  static TeacherGenerator teacher;
  static List<int[]> prompts;
  static List<int[]> freshPrompts;

  @BeforeAll
  static void setUp() {
    teacher = TeacherGenerator.defaultTeacher();
    // Outputs the attacker learns from and the fresh texts it spoofs have disjoint prompts.
    int docs = EuroparlCorpus.load().heldOut().size();
    List<int[]> all = teacher.heldOutPrompts(docs, 8);
    prompts = all.subList(0, docs - FRESH);
    freshPrompts = all.subList(docs - FRESH, docs);
  }

  static List<int[]> outputs(WatermarkKey key, int count, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<int[]> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int[] prompt = prompts.get(i % prompts.size());
      Watermarker wm = key == null ? null : Watermarker.of(key);
      out.add(
          teacher.generate(prompt, TOKENS, SamplingParams.defaults(), r.nextLong(), wm).tokens());
    }
    return out;
  }

  static double[] log10P(WatermarkKey key, List<String> texts) {
    Detector d = Detector.of(key, teacher.tokenizer(), DetectionPolicy.defaults());
    return texts.stream().mapToDouble(t -> d.detectText(t).log10PValue()).toArray();
  }

  static String summary(double[] p) {
    double[] s = p.clone();
    Arrays.sort(s);
    long at3 = Arrays.stream(p).filter(x -> x <= -3).count();
    long at6 = Arrays.stream(p).filter(x -> x <= -6).count();
    return String.format(
        Locale.ROOT,
        "median log10 p %.1f, min %.1f, p<=1e-3 %d/%d, p<=1e-6 %d/%d",
        s[s.length / 2],
        s[0],
        at3,
        p.length,
        at6,
        p.length);
  }

  @Test
  void stolenGreenListsNeitherSpoofNorScrubPastTheLevels() {
    WatermarkKey key = RobustnessFloorsTest.key("kgw-stolen", GreenListParameters.defaults(), 21);
    GreenListEstimate est =
        GreenListEstimate.learn(outputs(key, OUTPUTS, 1), outputs(null, OUTPUTS, 2), 2, 2, 2.0);
    Spoofing spoof = new Spoofing(teacher, est, 4.0);
    // The defender's frequent contexts: seen twice or more in its own unwatermarked outputs.
    LongOpenHashSet frequent = new LongOpenHashSet(1 << 16);
    LongOpenHashSet seen = new LongOpenHashSet(1 << 16);
    for (int[] ids : outputs(null, OUTPUTS, 9)) {
      for (int i = 2; i < ids.length; i++) {
        long c = SpreadCheck.context(ids, i, 2);
        if (!seen.add(c)) {
          frequent.add(c);
        }
      }
    }
    SpreadCheck check =
        new SpreadCheck(
            Detector.of(key, teacher.tokenizer(), DetectionPolicy.defaults()), frequent, 1e-2);
    List<int[]> fresh = freshPrompts;
    List<String> spoofs = new ArrayList<>();
    List<String> marked = new ArrayList<>();
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < FRESH; i++) {
      spoofs.add(spoof.generate(fresh.get(i), TOKENS, 1000 + i));
      marked.add(
          teacher
              .generate(
                  fresh.get(i), TOKENS, SamplingParams.defaults(), 2000 + i, Watermarker.of(key))
              .text());
    }
    Scrubbing scrub = new Scrubbing(teacher, est, "n" + OUTPUTS);
    List<String> scrubbed = new ArrayList<>();
    for (String m : marked) {
      scrubbed.add(scrub.apply(m, r.split()));
    }
    double[] ps = log10P(key, spoofs);
    double[] pm = log10P(key, marked);
    double[] pc = log10P(key, scrubbed);
    System.out.printf(
        "stealing from %d outputs (%d contexts): spoofs: %s%n  watermarked: %s%n  scrubbed: %s%n",
        OUTPUTS, est.contexts(), summary(ps), summary(pm), summary(pc));
    int spoofsPassing = 0;
    int spoofsAt6 = 0;
    for (String t : spoofs) {
      int[] ids = teacher.tokenizer().encode(t);
      SpreadCheck.Result res = check.check(ids, 0, ids.length);
      boolean at6 = log10P(key, List.of(t))[0] <= -6;
      spoofsAt6 += at6 ? 1 : 0;
      spoofsPassing += at6 && !res.flagged() ? 1 : 0;
    }
    int genuineFlagged = 0;
    for (String t : marked) {
      int[] ids = teacher.tokenizer().encode(t);
      genuineFlagged += check.check(ids, 0, ids.length).flagged() ? 1 : 0;
    }
    System.out.printf(
        "  spread check (%d frequent contexts): spoofs at p<=1e-6 %d/%d, of them unflagged %d;"
            + " genuine flagged %d/%d%n",
        frequent.size(), spoofsAt6, FRESH, spoofsPassing, genuineFlagged, FRESH);
    // A spoof at the verdict level must be flagged; a genuine text must rarely be.
    assertTrue(spoofsPassing == 0, spoofsPassing + " unflagged spoofs at p <= 1e-6");
    assertTrue(genuineFlagged <= FRESH / 10, genuineFlagged + " genuine texts flagged");
    // The references detection offers (SpreadReference): the defender's outputs as a corpus, and
    // the key-independent default of low tokenizer ranks, at several limits (printed).
    Detector detector = Detector.of(key, teacher.tokenizer(), DetectionPolicy.defaults());
    List<String> own = new ArrayList<>();
    for (int[] ids : outputs(null, OUTPUTS, 9)) {
      own.add(teacher.tokenizer().decode(ids));
    }
    List<SpreadReference> refs = new ArrayList<>();
    refs.add(SpreadReference.corpus(teacher.tokenizer(), own));
    for (int n : new int[] {500, 1000, 2000, 5000, 10000}) {
      refs.add(SpreadReference.tokenizerRanks(n));
    }
    for (SpreadReference ref : refs) {
      SpreadCheck c = ref.check(detector, SpreadReference.DEFAULT_RARE_LEVEL);
      int unflagged = 0;
      int flaggedGenuine = 0;
      double frequentShare = 0;
      for (int i = 0; i < FRESH; i++) {
        int[] sp = teacher.tokenizer().encode(spoofs.get(i));
        SpreadCheck.Result rs = c.check(sp, 0, sp.length);
        unflagged += log10P(key, List.of(spoofs.get(i)))[0] <= -6 && !rs.flagged() ? 1 : 0;
        int[] gm = teacher.tokenizer().encode(marked.get(i));
        SpreadCheck.Result rg = c.check(gm, 0, gm.length);
        flaggedGenuine += rg.flagged() ? 1 : 0;
        frequentShare += rg.frequentScored() / (double) (rg.frequentScored() + rg.rareScored());
      }
      System.out.printf(
          Locale.ROOT,
          "  reference %s: spoofs at 1e-6 unflagged %d/%d, genuine flagged %d/%d,"
              + " frequent share of genuine tuples %.2f%n",
          ref.name(),
          unflagged,
          FRESH,
          flaggedGenuine,
          FRESH,
          frequentShare / FRESH);
      // Asserted for the corpus reference; the default is printed (README: it can miss a spoof).
      if (ref.name().startsWith("corpus:")) {
        assertTrue(unflagged == 0, ref.name() + ": " + unflagged + " unflagged spoofs");
        assertTrue(flaggedGenuine <= FRESH / 10, ref.name() + ": " + flaggedGenuine);
      }
    }
  }

  @Test
  void repeatedEightGramsAcrossPrompts() {
    for (WatermarkParameters p :
        List.of(GreenListParameters.defaults(), GumbelParameters.defaults())) {
      WatermarkKey key = RobustnessFloorsTest.key("div-" + p.schemeName(), p, 22);
      List<int[]> outs = outputs(key, 60, 5);
      double share = repeatedShare(outs);
      double plain = repeatedShare(outputs(null, 60, 5));
      System.out.printf(
          Locale.ROOT,
          "%s: %.1f %% of word 8-grams recur in another prompt's output (plain %.1f %%)%n",
          p.schemeName(),
          100 * share,
          100 * plain);
      if (p instanceof GumbelParameters) {
        // Distortion-free sampling fixed by key and context repeats across requests; the figure
        // is what the plain-share remedy brings down (DiversityRemedyTest).
        assertTrue(share > plain, share + " vs " + plain);
      }
    }
  }

  /** Share of word 8-grams (over all outputs) that also occur in an output of another prompt. */
  static double repeatedShare(List<int[]> outs) {
    Map<String, Integer> firstOwner = new HashMap<>();
    Map<String, Boolean> shared = new HashMap<>();
    List<List<String>> grams = new ArrayList<>();
    for (int i = 0; i < outs.size(); i++) {
      String[] w = teacher.tokenizer().decode(outs.get(i)).trim().split("\\s+");
      List<String> g = new ArrayList<>();
      for (int j = 0; j + 8 <= w.length; j++) {
        g.add(String.join(" ", Arrays.copyOfRange(w, j, j + 8)));
      }
      grams.add(g);
      int prompt = i % prompts.size();
      for (String s : g) {
        Integer o = firstOwner.putIfAbsent(s, prompt);
        if (o != null && o != prompt) {
          shared.put(s, true);
        }
      }
    }
    long total = 0;
    long rep = 0;
    for (List<String> g : grams) {
      for (String s : g) {
        total++;
        rep += shared.containsKey(s) ? 1 : 0;
      }
    }
    return total == 0 ? 0 : rep / (double) total;
  }
}
