package dev.telltale.cli;

import dev.telltale.key.KeyId;
import dev.telltale.key.KeySet;
import dev.telltale.key.WatermarkKey;
import picocli.CommandLine.Option;

/**
 * {@code --key-id ID}, shared by detect, scan, radioactivity and attribute: test one key of the key
 * set instead of every key (the verifier service's {@code key_id}), so the p-value is not corrected
 * over keys that were never in question.
 */
final class KeyIdOption {
  @Option(
      names = "--key-id",
      paramLabel = "ID",
      description = "Test only the watermark key with this id (default: every key of the set).")
  String keyId;

  /** The key set with only the named key (and the set's signing keys), or the set as it is. */
  KeySet select(KeySet set) {
    if (keyId == null) {
      return set;
    }
    WatermarkKey k;
    try {
      k =
          set.get(KeyId.of(keyId))
              .orElseThrow(() -> new BadInputException("the key set has no key '" + keyId + "'"));
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--key-id: " + e.getMessage());
    }
    KeySet one = KeySet.single(k);
    return set.primarySigningKey().isPresent()
        ? one.withSigningKeys(set.primarySigningKey().get().id(), set.signingKeys())
        : one;
  }
}
