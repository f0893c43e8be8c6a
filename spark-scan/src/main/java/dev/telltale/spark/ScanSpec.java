package dev.telltale.spark;

import java.io.Serializable;

/**
 * What every partition needs to build its scorer and read its input, and nothing secret: the key
 * set travels as a path (read on the executor, from a shared or secret mount or a file shipped with
 * {@code spark-submit --files}), never as bytes in a closure.
 *
 * @param keyFile path of the key set file as the executors see it (or its file name when it was
 *     shipped with {@code --files})
 * @param tokenizer the generator's tokenizer: a built-in name, or the path of a {@code
 *     tokenizer.json} as the executors see it (each executor JVM loads it once)
 * @param field JSONL field holding the text
 * @param poolPartitions partitions of the pooled tuple set (the single-machine scan's spill
 *     partitions: the Gumbel sum is added in the same order)
 */
public record ScanSpec(String keyFile, String tokenizer, String field, int poolPartitions)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  public ScanSpec {
    if (Integer.bitCount(poolPartitions) != 1) {
      throw new IllegalArgumentException("poolPartitions must be a power of two");
    }
  }

  @Override
  public String toString() {
    // A path is not a secret, but keep logs to what a reader needs.
    return "ScanSpec[tokenizer=" + tokenizer + ", field=" + field + "]";
  }
}
