package dev.telltale.testdata.attack;

import java.util.SplittableRandom;

/**
 * One way a rival edits a watermarked text to wash the watermark out. Deterministic: the same text
 * and random stream give the same result. Implementations are immutable and thread-safe.
 */
public interface Attack {
  /** A short stable name for tables, e.g. {@code "deletion-25"}. */
  String name();

  /** The attacked text. */
  String apply(String text, SplittableRandom rng);

  /** The identity, as a table's baseline row. */
  static Attack none() {
    return new Attack() {
      @Override
      public String name() {
        return "none";
      }

      @Override
      public String apply(String text, SplittableRandom rng) {
        return text;
      }
    };
  }

  /** The percentage label of a rate, e.g. 0.25 → "25". */
  static String percent(double rate) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException("rate must be in [0, 1], got " + rate);
    }
    return Long.toString(Math.round(rate * 100));
  }
}
