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
