package dev.telltale.evidence.log;

import java.util.List;

/**
 * One appended entry and the hashes it completes: {@code hashes.get(0)} is its leaf hash and {@code
 * hashes.get(l)} the level-{@code l} node ending at this leaf; leaf {@code i} completes {@code 1 +
 * numberOfTrailingOnes(i)} nodes.
 */
public record LogRecord(byte[] entry, List<byte[]> hashes) {
  public LogRecord {
    entry = entry.clone();
    hashes = ProofJson.copy(hashes);
    if (hashes.isEmpty()) {
      throw new IllegalArgumentException("a record holds at least its leaf hash");
    }
  }

  @Override
  public byte[] entry() {
    return entry.clone();
  }

  @Override
  public List<byte[]> hashes() {
    return ProofJson.copy(hashes);
  }

  /** How many hashes leaf {@code index} completes. */
  public static int hashCount(long index) {
    return 1 + Long.numberOfTrailingZeros(~index);
  }
}
