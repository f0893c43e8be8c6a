package dev.telltale.forensics;

import dev.telltale.key.KeyId;
import dev.telltale.stats.TailProbability;
import java.nio.file.Path;
import java.util.List;

/**
 * Summary of a corpus scan.
 *
 * @param documents documents scored
 * @param tokens tokens in them
 * @param bytes source bytes read
 * @param keys the pooled test of each key, in key-set order
 * @param best the key with the smallest pooled p-value
 * @param pooled family-wise pooled p-value over the keys (Holm's smallest adjusted value)
 * @param fdr the false discovery rate of the suspect list
 * @param suspectCount documents flagged by Benjamini–Hochberg at {@code fdr}
 * @param suspectIds their ids, in corpus order (at most the scan's listing limit)
 * @param malformedCount malformed JSONL lines skipped
 * @param malformed the first malformed lines, with line numbers
 * @param documentsFile the per-document results (one JSON object per line, corpus order)
 */
public record ScanResult(
    long documents,
    long tokens,
    long bytes,
    List<PooledKey> keys,
    PooledKey best,
    TailProbability pooled,
    double fdr,
    long suspectCount,
    List<String> suspectIds,
    long malformedCount,
    List<MalformedLine> malformed,
    Path documentsFile) {

  public ScanResult {
    keys = List.copyOf(keys);
    suspectIds = List.copyOf(suspectIds);
    malformed = List.copyOf(malformed);
  }

  public int keysTested() {
    return keys.size();
  }

  /**
   * The pooled test of one key over the whole corpus.
   *
   * @param keyId the key
   * @param scheme {@code kgw} or {@code gumbel}
   * @param positions scored positions summed over documents (each document deduplicated alone)
   * @param scoredTuples distinct (window, token) tuples of the whole corpus
   * @param score green tuples (kgw) or sum of {@code -ln(1 - r)} (gumbel) over them
   * @param expectedScore the score's mean under the null
   * @param p exact p-value of the pooled statistic
   */
  public record PooledKey(
      KeyId keyId,
      String scheme,
      long positions,
      long scoredTuples,
      double score,
      double expectedScore,
      TailProbability p) {}
}
