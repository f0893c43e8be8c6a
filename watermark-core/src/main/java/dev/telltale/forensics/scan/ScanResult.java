package dev.telltale.forensics.scan;

import dev.telltale.forensics.corpus.MalformedLine;
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
 * @param pValueDecades documents per decade of their family-wise p-value: entry {@code i < 10}
 *     counts {@code 10^-(i+1) < p <= 10^-i}, entry 10 counts {@code p <= 10^-10}
 * @param topDocuments the documents with the smallest p-values, smallest first (at most {@link
 *     #TOP_DOCUMENTS})
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
    Path documentsFile,
    List<Long> pValueDecades,
    List<DocumentP> topDocuments) {
  /** How many of the most significant documents a result lists with their p-values. */
  public static final int TOP_DOCUMENTS = 20;

  /** Bins of {@link #pValueDecades}: ten decades and everything below. */
  public static final int DECADE_BINS = 11;

  public ScanResult {
    pValueDecades = List.copyOf(pValueDecades);
    topDocuments = List.copyOf(topDocuments);
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

  /**
   * One document's result as the per-document file holds it.
   *
   * @param id the document's id
   * @param tokens its tokens
   * @param scored its scored tuples under the best key
   * @param p its family-wise p-value over the keys
   * @param keyId the key with the smallest p-value
   */
  public record DocumentP(String id, long tokens, long scored, TailProbability p, KeyId keyId) {}

  /** The bin of {@link #pValueDecades} a log10 p-value falls in. */
  public static int decade(double log10p) {
    if (!(log10p < 0)) {
      return 0;
    }
    // p = 10^-i exactly belongs to decade i: 10^-(i+1) < p <= 10^-i.
    int d = (int) Math.min(Math.floor(-log10p), DECADE_BINS - 1);
    return Math.min(Math.max(d, 0), DECADE_BINS - 1);
  }
}
