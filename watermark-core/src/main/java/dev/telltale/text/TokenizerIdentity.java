package dev.telltale.text;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How every JSON result names its tokenizer: {@code tokenizer} (the name, or the path a {@code
 * tokenizer.json} was given by) and, for a tokenizer read from a file, {@code tokenizer_sha256}, so
 * that a re-run with another file of the same name is caught.
 */
public final class TokenizerIdentity {
  private TokenizerIdentity() {}

  /** Adds {@code tokenizer} and, when the tokenizer is a file, {@code tokenizer_sha256}. */
  public static ObjectNode put(ObjectNode o, Tokenizer tokenizer) {
    o.put("tokenizer", tokenizer.name());
    tokenizer.fileSha256().ifPresent(sha -> o.put("tokenizer_sha256", sha));
    return o;
  }

  /**
   * For results that named no tokenizer before file tokenizers existed (scans, radioactivity): adds
   * the identity only for a file tokenizer, so built-in results keep their form.
   */
  public static ObjectNode putIfFile(ObjectNode o, Tokenizer tokenizer) {
    return tokenizer.fileSha256().isPresent() ? put(o, tokenizer) : o;
  }
}
