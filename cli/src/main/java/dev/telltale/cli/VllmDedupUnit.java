package dev.telltale.cli;

import dev.telltale.key.KeyId;
import dev.telltale.key.KeySet;
import dev.telltale.scheme.VllmParameters;
import dev.telltale.scheme.VllmSbwParameters;

/** What a finding's deduplication counts once, by the scheme of the key it names. */
final class VllmDedupUnit {
  private VllmDedupUnit() {}

  static String of(KeySet set, KeyId key) {
    return set.get(key).map(k -> unit(k.parameters())).orElse("context window and token");
  }

  static String unit(dev.telltale.scheme.WatermarkParameters p) {
    if (p instanceof VllmSbwParameters) {
      return "effective seed and token (vLLM sbw)";
    }
    if (p instanceof VllmParameters) {
      return "context (vLLM " + ((VllmParameters) p).algorithm() + ")";
    }
    return "context window and token";
  }
}
