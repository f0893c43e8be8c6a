package dev.telltale.cli;

import dev.telltale.key.KeyFileException;
import dev.telltale.key.KeySetFile;
import dev.telltale.key.TokenizerBinding;
import dev.telltale.text.Tokenizer;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Refuses to test a key set made for one tokenizer ({@code keys create --tokenizer}) with another:
 * the watermark lives in that tokenizer's ids. {@code --allow-tokenizer-mismatch} overrides it.
 */
final class TokenizerCheckOption {
  @Option(
      names = "--allow-tokenizer-mismatch",
      description =
          "Test even though the key set records another tokenizer than --tokenizer (its"
              + " watermark is then not expected to be found).")
  boolean allowMismatch;

  void check(Path keys, Tokenizer tokenizer) {
    Optional<TokenizerBinding> bound = binding(keys);
    if (bound.isPresent() && !bound.get().matches(tokenizer) && !allowMismatch) {
      throw new BadInputException(
          bound.get().mismatch(tokenizer)
              + "; pass --tokenizer with the recorded tokenizer, or --allow-tokenizer-mismatch");
    }
  }

  static Optional<TokenizerBinding> binding(Path keys) {
    try {
      return KeySetFile.tokenizer(keys);
    } catch (KeyFileException e) {
      throw new BadInputException(e.getMessage(), e);
    }
  }
}
