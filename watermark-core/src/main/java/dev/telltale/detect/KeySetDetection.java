package dev.telltale.detect;

import dev.telltale.key.KeyId;
import dev.telltale.stats.TailProbability;
import java.util.List;
import java.util.Optional;

/**
 * Result of testing one input against every key of a key set.
 *
 * @param perKey one detection per key, in key set order
 * @param holmAdjusted Holm-adjusted decisive p-value of each key, same order
 * @param best the key with the smallest adjusted p-value
 * @param familyWise family-wise p-value of "some key's watermark is present" (Holm)
 * @param alpha the policy's significance level
 */
public record KeySetDetection(
    List<Detection> perKey,
    List<TailProbability> holmAdjusted,
    Detection best,
    TailProbability familyWise,
    double alpha) {

  public int keysTested() {
    return perKey.size();
  }

  /** The matching key, when the family-wise p-value is at most alpha. */
  public Optional<KeyId> matchedKey() {
    return familyWise.log10PValue() <= Math.log10(alpha)
        ? Optional.of(best.keyId())
        : Optional.empty();
  }

  public Verdict verdict() {
    return matchedKey().isPresent() ? Verdict.WATERMARKED : Verdict.NOT_WATERMARKED;
  }
}
