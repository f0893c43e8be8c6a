package dev.telltale.cli;

import dev.telltale.detect.DedupUnit;
import dev.telltale.key.KeyId;
import dev.telltale.key.KeySet;

/** What a finding's deduplication counts once, by the scheme of the key it names. */
final class VllmDedupUnit {
  private VllmDedupUnit() {}

  static String of(KeySet set, KeyId key) {
    return set.get(key).map(k -> DedupUnit.of(k.parameters())).orElse(DedupUnit.CONTEXT_AND_TOKEN);
  }
}
