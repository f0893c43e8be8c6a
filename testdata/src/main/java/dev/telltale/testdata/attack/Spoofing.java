package dev.telltale.testdata.attack;

import dev.telltale.testdata.SamplingParams;
import dev.telltale.testdata.TeacherGenerator;
import java.util.Map;

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
