package dev.telltale.testdata;

/**
 * A language model that, like an instruction-tuned model answering a question, echoes its prompt:
 * the base model's distribution mixed with a copy distribution over the tokens that followed
 * earlier occurrences of the current last token(s) in the context (a cache / induction-head model).
 * An n-gram student alone never copies its prompt; this wrapper is what makes an untrained student
 * answering watermarked prompts repeat watermarked tuples, the effect Sander et al. (2024) warn
 * about. Immutable and thread-safe.
 */
public final class PromptEchoModel implements LanguageModel {
  private final LanguageModel base;
  private final double copyWeight;

  /**
   * {@code copyWeight} in [0, 1): the share of probability moved to copying when a match exists.
   */
  public PromptEchoModel(LanguageModel base, double copyWeight) {
    if (!(copyWeight >= 0 && copyWeight < 1)) {
      throw new IllegalArgumentException("copyWeight must be in [0, 1), got " + copyWeight);
    }
    this.base = base;
    this.copyWeight = copyWeight;
  }

  @Override
  public int vocabSize() {
    return base.vocabSize();
  }

  @Override
  public void logits(int[] context, int off, int len, float[] out) {
    base.logits(context, off, len, out);
    if (copyWeight == 0 || len < 2) {
      return;
    }
    // Followers of earlier occurrences of the last two tokens (or, failing that, the last one).
    int end = off + len;
    int last = context[end - 1];
    int prev = context[end - 2];
    int matches = 0;
    for (int width = 2; width >= 1 && matches == 0; width--) {
      for (int i = off + width - 1; i < end - 1; i++) {
        if (context[i] == last && (width == 1 || (i > off && context[i - 1] == prev))) {
          matches++;
        }
      }
      if (matches == 0) {
        continue;
      }
      float keep = (float) Math.log1p(-copyWeight);
      for (int v = 0; v < out.length; v++) {
        out[v] += keep;
      }
      double each = copyWeight / matches;
      for (int i = off + width - 1; i < end - 1; i++) {
        if (context[i] == last && (width == 1 || (i > off && context[i - 1] == prev))) {
          int f = context[i + 1];
          out[f] = (float) Math.log(Math.exp(out[f]) + each);
        }
      }
    }
  }
}
