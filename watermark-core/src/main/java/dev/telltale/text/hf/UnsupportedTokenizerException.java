package dev.telltale.text.hf;

/**
 * A {@code tokenizer.json} that cannot be read, or that uses a component (normalizer,
 * pre-tokenizer, model, decoder or option) this implementation does not reproduce exactly. Telltale
 * refuses such a file rather than tokenizing differently from the model.
 */
public final class UnsupportedTokenizerException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public UnsupportedTokenizerException(String message) {
    super(message);
  }

  public UnsupportedTokenizerException(String message, Throwable cause) {
    super(message, cause);
  }
}
