package dev.telltale.testdata;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * An innocent open model for reading-mode null tests: at each position of a text it predicts the
 * token that followed the last earlier occurrence of the current window (the last {@code width}
 * tokens), else a random token. It was never trained on anything of ours; it only copies from its
 * context, as every real LLM does (induction heads). Predictions are seeded and deterministic.
 */
public final class ContextCopyingModel {
  private final int width;
  private final int vocab;

  /**
   * @param width tokens of the window matched in the context (the watermark's context width)
   * @param vocab random predictions are drawn from {@code 0 .. vocab-1}
   */
  public ContextCopyingModel(int width, int vocab) {
    if (width < 1 || vocab < 1) {
      throw new IllegalArgumentException("width and vocab must be positive");
    }
    this.width = width;
    this.vocab = vocab;
  }

  /**
   * Top-1 predictions for every position of {@code text}: {@code out[i]} predicts {@code text[i]}
   * from {@code text[0..i)}.
   */
  public int[] predictions(int[] text, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Map<Window, Integer> lastFollower = new HashMap<>();
    int[] out = new int[text.length];
    for (int i = 0; i < text.length; i++) {
      Integer copied = i >= width ? lastFollower.get(new Window(text, i - width, width)) : null;
      out[i] = copied != null ? copied : r.nextInt(vocab);
      if (i >= width) {
        lastFollower.put(new Window(text, i - width, width), text[i]);
      }
    }
    return out;
  }

  private record Window(long hash, int[] text, int from, int len) {
    Window(int[] text, int from, int len) {
      this(hashOf(text, from, len), text, from, len);
    }

    private static long hashOf(int[] t, int from, int len) {
      long h = 1;
      for (int k = from; k < from + len; k++) {
        h = 31 * h + t[k];
      }
      return h;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Window w) || w.hash != hash || w.len != len) {
        return false;
      }
      for (int k = 0; k < len; k++) {
        if (text[from + k] != w.text[w.from + k]) {
          return false;
        }
      }
      return true;
    }

    @Override
    public int hashCode() {
      return Long.hashCode(hash);
    }
  }
}
