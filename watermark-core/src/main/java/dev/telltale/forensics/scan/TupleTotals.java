package dev.telltale.forensics.scan;

import dev.telltale.detect.VllmFingerprints;
import dev.telltale.prf.WatermarkPrf;

/**
 * Totals of one partition of a corpus's pooled tuple set, fed its fingerprints in ascending
 * (signed) order with repeats: counts each distinct fingerprint once, its green bit under the
 * threshold for a green-list key, else its Gumbel score, summed in fingerprint order so the
 * floating-point sum is the same in every engine. Partition totals are then {@link #plus added} in
 * partition index order. Not thread-safe.
 */
public final class TupleTotals {
  private final boolean greenList;
  private final long threshold;
  // vLLM keys: their fingerprints carry the score (see VllmFingerprints); null otherwise.
  private final VllmFingerprints vllm;
  private long distinct;
  private long green;
  private double sum;
  private long last;

  /**
   * @param greenList whether the key is a green-list key
   * @param threshold its green threshold (ignored for Gumbel keys)
   */
  public TupleTotals(boolean greenList, long threshold) {
    this(greenList, threshold, null);
  }

  private TupleTotals(boolean greenList, long threshold, VllmFingerprints vllm) {
    this.greenList = greenList;
    this.threshold = threshold;
    this.vllm = vllm;
  }

  /** Totals of a vLLM key, whose fingerprints carry their own score. */
  public static TupleTotals forVllm(VllmFingerprints vllm) {
    return new TupleTotals(vllm.greenList(), 0, vllm);
  }

  /** Adds the next fingerprint; {@code fingerprint} is at least the previous one. */
  public void accept(long fingerprint) {
    if (distinct > 0) {
      assert fingerprint >= last : "fingerprints must come in ascending order";
      if (fingerprint == last) {
        return;
      }
    }
    last = fingerprint;
    distinct++;
    if (vllm != null) {
      if (greenList) {
        green += vllm.green(fingerprint);
      } else {
        sum += vllm.score(fingerprint);
      }
    } else if (greenList) {
      green += WatermarkPrf.greenBit(fingerprint, threshold);
    } else {
      sum += WatermarkPrf.gumbelScore(fingerprint);
    }
  }

  /** Adds a following partition's totals to these (partitions in index order). */
  public TupleTotals plus(TupleTotals next) {
    TupleTotals t = new TupleTotals(greenList, threshold, vllm);
    t.distinct = distinct + next.distinct;
    t.green = green + next.green;
    t.sum = sum + next.sum;
    return t;
  }

  /** Totals made of known counts (a partition computed elsewhere). */
  public static TupleTotals of(
      boolean greenList, long threshold, long distinct, long green, double sum) {
    TupleTotals t = new TupleTotals(greenList, threshold);
    t.distinct = distinct;
    t.green = green;
    t.sum = sum;
    return t;
  }

  public long distinct() {
    return distinct;
  }

  public long green() {
    return green;
  }

  public double sum() {
    return sum;
  }
}
