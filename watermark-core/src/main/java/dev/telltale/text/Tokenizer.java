package dev.telltale.text;

import java.util.Optional;

/** A tokenizer shared by the generator and the detector: detection re-tokenizes text with it. */
public interface Tokenizer {
  /** Stable name, e.g. {@code cl100k_base}. */
  String name();

  /** Size of the id space (logit arrays are this long). */
  int vocabSize();

  /** Token ids of {@code text}, special tokens treated as ordinary text. */
  int[] encode(String text);

  /**
   * The ids {@link #encode(String)} gives, checking {@code deadline} along the way (between chunks
   * or pieces where the tokenizer knows a cut that keeps every id, else only before and after).
   *
   * @throws DeadlineExceededException once the deadline has passed
   */
  default int[] encode(String text, Deadline deadline) {
    deadline.check();
    int[] ids = encode(text);
    deadline.check();
    return ids;
  }

  /**
   * Whether cutting {@code text} before index {@code p} leaves its ids unchanged: {@code
   * encode(text)} is {@code encode(text[0, p))} followed by {@code encode(text[p, end))}, whatever
   * the text holds outside the two characters around the cut. The answer may depend only on {@code
   * text.charAt(p - 1)} and {@code text.charAt(p)}, so that a cut safe in one text is safe in any
   * text with the same two characters there. False (the default) where the tokenizer knows no such
   * rule; detection then tokenises every normal form of a text in full.
   */
  default boolean isSafeCut(CharSequence text, int p) {
    return false;
  }

  /** Text of {@code ids[off .. off+len)}; invalid UTF-8 at the edges becomes U+FFFD. */
  String decode(int[] ids, int off, int len);

  /**
   * SHA-256 (lowercase hex) of the file this tokenizer was read from, which identifies it in
   * results and findings; empty for the built-in encodings, which the name identifies.
   */
  default Optional<String> fileSha256() {
    return Optional.empty();
  }

  default String decode(int[] ids) {
    return decode(ids, 0, ids.length);
  }
}
