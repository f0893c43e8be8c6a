package dev.telltale.testdata;

/**
 * A next-token distribution over a tokenizer's whole vocabulary, as a serving stack would see it
 * before its logits processors run. Implementations are immutable and thread-safe.
 */
public interface LanguageModel {
  /** Length of the logit arrays: the tokenizer's id space. */
  int vocabSize();

  /**
   * Writes the next-token log-probabilities given {@code context[off .. off+len)} (oldest first)
   * into {@code out[0 .. vocabSize)}; every entry is finite and they exponentiate to a sum of one.
   */
  void logits(int[] context, int off, int len, float[] out);
}
