package dev.telltale.testdata.attack;

import dev.telltale.testdata.TeacherGenerator;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Scrubbing with a stolen green-list estimate: every token the estimate calls green is replaced by
 * the plain teacher's most likely token there that the estimate does not call green.
 */
public final class Scrubbing implements Attack {
  private final TeacherGenerator teacher;
  private final GreenListEstimate estimate;
  private final String label;

  public Scrubbing(TeacherGenerator teacher, GreenListEstimate estimate, String label) {
    this.teacher = teacher;
    this.estimate = estimate;
    this.label = label;
  }

  @Override
  public String name() {
    return "scrub-" + label;
  }

  @Override
  public String apply(String text, SplittableRandom rng) {
    int[] ids = teacher.tokenizer().encode(text);
    float[] logits = new float[teacher.model().vocabSize()];
    int h = estimate.contextWidth();
    for (int i = h; i < ids.length; i++) {
      long c = estimate.context(ids, i);
      if (!estimate.likelyGreen(c, ids[i])) {
        continue;
      }
      teacher.model().logits(ids, 0, i, logits);
      int best = -1;
      for (int v = 0; v < TeacherGenerator.CL100K_ORDINARY_IDS && v < logits.length; v++) {
        if (v != ids[i] && (best < 0 || logits[v] > logits[best]) && !estimate.likelyGreen(c, v)) {
          best = v;
        }
      }
      if (best >= 0) {
        ids[i] = best;
      }
    }
    return teacher.tokenizer().decode(Arrays.copyOf(ids, ids.length));
  }
}
