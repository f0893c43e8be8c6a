package dev.telltale.testdata.attack;

import dev.telltale.testdata.SamplingParams;
import dev.telltale.testdata.TeacherGenerator;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A cheap paraphrase: spans of {@code k} tokens, covering about {@code eps} of the text, are
 * resampled by the same teacher without the watermark, given what precedes them.
 */
public final class TeacherParaphrase implements Attack {
  private static final int CONTEXT = 8;
  private final TeacherGenerator teacher;
  private final int k;
  private final double eps;

  public TeacherParaphrase(TeacherGenerator teacher, int k, double eps) {
    Attack.percent(eps);
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    this.teacher = teacher;
    this.k = k;
    this.eps = eps;
  }

  @Override
  public String name() {
    return "paraphrase-k" + k + "-" + Attack.percent(eps);
  }

  @Override
  public String apply(String text, SplittableRandom rng) {
    int[] ids = teacher.tokenizer().encode(text);
    int[] out = new int[ids.length + k];
    int n = 0;
    int i = 0;
    // A span starts with probability p where p*k/(1 - p + p*k) = eps (share of tokens resampled).
    double p = eps >= 1 ? 1 : eps / (k - eps * (k - 1));
    while (i < ids.length) {
      if (i > 0 && rng.nextDouble() < p) {
        int span = Math.min(k, ids.length - i);
        int[] prompt = Arrays.copyOfRange(out, Math.max(0, n - CONTEXT), n);
        int[] fresh =
            teacher.generate(prompt, span, SamplingParams.defaults(), rng.nextLong()).tokens();
        System.arraycopy(fresh, 0, out, n, span);
        n += span;
        i += span;
      } else {
        out[n++] = ids[i++];
      }
    }
    return teacher.tokenizer().decode(Arrays.copyOf(out, n));
  }
}
