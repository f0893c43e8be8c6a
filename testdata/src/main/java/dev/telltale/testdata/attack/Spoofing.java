package dev.telltale.testdata.attack;

import dev.telltale.embed.Watermarker;
import dev.telltale.key.WatermarkKey;
import dev.telltale.testdata.EuroparlCorpus;
import dev.telltale.testdata.SamplingParams;
import dev.telltale.testdata.TeacherGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Spoofing with a stolen green-list estimate: the rival's own (here: the plain teacher's)
 * generation with {@code delta} added to the logit of every token the estimate calls green in the
 * current context, to make text never watermarked by us look watermarked. A spoof that our detector
 * accepts is a false positive.
 */
public final class Spoofing {
  private final TeacherGenerator teacher;
  private final GreenListEstimate estimate;
  private final double delta;

  public Spoofing(TeacherGenerator teacher, GreenListEstimate estimate, double delta) {
    this.teacher = teacher;
    this.estimate = estimate;
    this.delta = delta;
  }

  /**
   * The whole stealing attack against {@code key} (a green-list key): learn an estimate (contexts
   * of width {@code h}, seen twice, rate ratio 2) from {@code outputs} watermarked and as many
   * plain 200-token outputs, then spoof {@code count} 200-token texts after held-out prompts the
   * attacker never saw. Deterministic in {@code seed}.
   */
  public static List<String> stealAndSpoof(
      TeacherGenerator teacher, WatermarkKey key, int h, int outputs, int count, long seed) {
    int docs = EuroparlCorpus.load().heldOut().size();
    List<int[]> all = teacher.heldOutPrompts(docs, 8);
    List<int[]> learn = all.subList(0, docs - count);
    SplittableRandom r = new SplittableRandom(seed);
    List<int[]> marked = new ArrayList<>();
    List<int[]> plain = new ArrayList<>();
    for (int i = 0; i < outputs; i++) {
      int[] prompt = learn.get(i % learn.size());
      marked.add(
          teacher
              .generate(prompt, 200, SamplingParams.defaults(), r.nextLong(), Watermarker.of(key))
              .tokens());
      plain.add(teacher.generate(prompt, 200, SamplingParams.defaults(), r.nextLong()).tokens());
    }
    Spoofing spoof = new Spoofing(teacher, GreenListEstimate.learn(marked, plain, h, 2, 2.0), 4.0);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(spoof.generate(all.get(docs - count + i), 200, r.nextLong()));
    }
    return out;
  }

  /** A spoofed text of {@code tokens} tokens after {@code prompt}. */
  public String generate(int[] prompt, int tokens, long seed) {
    int h = estimate.contextWidth();
    return teacher
        .generate(
            prompt,
            tokens,
            SamplingParams.defaults(),
            seed,
            null,
            (history, len, logits) -> {
              if (len < h) {
                return;
              }
              long c = estimate.context(history, len);
              for (Map.Entry<Integer, Integer> e : estimate.seenAfter(c).entrySet()) {
                if (estimate.likelyGreen(c, e.getKey())) {
                  logits[e.getKey()] += (float) delta;
                }
              }
            })
        .text();
  }
}
