package dev.telltale.forensics.scan;

import dev.telltale.forensics.corpus.CorpusInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The corpus-wide deduplication of a scan, exact and with bounded heap: every (window, token)
 * fingerprint a document scores is appended to one of {@code partitions} files per key, chosen by
 * the fingerprint's low bits, and at the end each partition is sorted, deduplicated and summed on
 * its own. The pooled statistic is therefore a function of the set of distinct tuples of the whole
 * corpus: independent of document order, thread scheduling, checkpoints and resumes. Gumbel scores
 * are summed in fingerprint order within a partition and partitions in index order, so even the
 * floating-point sum is reproducible.
 *
 * <p>Written by one thread (the scan's writer); finished with a thread pool.
 */
final class TupleSpill implements AutoCloseable {
  private static final int BUFFER_LONGS = 2048;

  private final Path dir;
  private final int keys;
  private final int partitions;
  private final long[][] buffers;
  private final int[] fill;
  private final FileChannel[] channels;
  private final ByteBuffer io =
      ByteBuffer.allocate(BUFFER_LONGS * 8).order(ByteOrder.LITTLE_ENDIAN);

  /** Heap for the recent-fingerprint caches of all keys together. */
  private static final long CACHE_BUDGET_BYTES = 16L << 20;

  // A direct-mapped cache of recently spilled fingerprints per key: a repeat found here is already
  // in the spill, so it is not written again. The merge deduplicates anyway, so the cache only
  // saves disk and time (common n-grams repeat across documents), never changes a result.
  private final long[][] recent;
  private final int recentMask;

  TupleSpill(Path dir, int keys, int partitions) throws IOException {
    if (Integer.bitCount(partitions) != 1) {
      throw new IllegalArgumentException("partitions must be a power of two, got " + partitions);
    }
    this.dir = Files.createDirectories(dir);
    this.keys = keys;
    this.partitions = partitions;
    this.buffers = new long[keys * partitions][];
    this.fill = new int[keys * partitions];
    this.channels = new FileChannel[keys * partitions];
    int perKey = Integer.highestOneBit((int) Math.max(1 << 12, CACHE_BUDGET_BYTES / 8 / keys));
    this.recent = new long[keys][perKey];
    this.recentMask = perKey - 1;
  }

  int slots() {
    return keys * partitions;
  }

  void add(int key, long fingerprint) throws IOException {
    if (fingerprint != 0) {
      long[] cache = recent[key];
      int at = (int) ((fingerprint * 0x9E3779B97F4A7C15L) >>> 40) & recentMask;
      if (cache[at] == fingerprint) {
        return;
      }
      cache[at] = fingerprint;
    }
    int slot = key * partitions + (int) (fingerprint & (partitions - 1));
    long[] b = buffers[slot];
    if (b == null) {
      b = buffers[slot] = new long[BUFFER_LONGS];
    }
    b[fill[slot]++] = fingerprint;
    if (fill[slot] == BUFFER_LONGS) {
      flush(slot);
    }
  }

  /** Writes every buffer out and returns each slot's file length, for a checkpoint. */
  long[] flushAll() throws IOException {
    long[] lengths = new long[slots()];
    for (int s = 0; s < slots(); s++) {
      flush(s);
      lengths[s] = channels[s] == null ? 0 : channels[s].size();
    }
    return lengths;
  }

  /** Cuts every file back to a checkpoint's lengths (a resume drops what came after it). */
  void truncate(long[] lengths) throws IOException {
    if (lengths.length != slots()) {
      throw new CorpusInputException("checkpoint does not match the scan's spill layout");
    }
    for (int s = 0; s < slots(); s++) {
      FileChannel c = channel(s);
      if (c.size() < lengths[s]) {
        throw new CorpusInputException("spill file shorter than its checkpoint: " + file(s));
      }
      c.truncate(lengths[s]);
      c.position(lengths[s]);
    }
  }

  private void flush(int slot) throws IOException {
    int n = fill[slot];
    if (n == 0) {
      return;
    }
    io.clear();
    io.asLongBuffer().put(buffers[slot], 0, n);
    io.limit(n * 8);
    FileChannel c = channel(slot);
    while (io.hasRemaining()) {
      c.write(io);
    }
    fill[slot] = 0;
  }

  private FileChannel channel(int slot) throws IOException {
    if (channels[slot] == null) {
      FileChannel c =
          FileChannel.open(file(slot), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      c.position(c.size());
      channels[slot] = c;
    }
    return channels[slot];
  }

  private Path file(int slot) {
    return dir.resolve(String.format("k%03d-p%04d.bin", slot / partitions, slot % partitions));
  }

  /**
   * Sorts and deduplicates one partition (after {@link #flushAll()}) and totals it: green bits
   * under {@code threshold} for green-list keys, else Gumbel scores in fingerprint order.
   */
  TupleTotals total(int key, int partition, boolean greenList, long threshold) throws IOException {
    return total(key, partition, new TupleTotals(greenList, threshold));
  }

  /** As above, into the empty totals {@code t} (e.g. {@link TupleTotals#forVllm}). */
  TupleTotals total(int key, int partition, TupleTotals t) throws IOException {
    Path f = file(key * partitions + partition);
    if (!Files.exists(f)) {
      return t;
    }
    long bytes = Files.size(f);
    if (bytes / 8 > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("spill partition too large; use more partitions");
    }
    long[] v = new long[(int) (bytes / 8)];
    try (FileChannel c = FileChannel.open(f, StandardOpenOption.READ)) {
      ByteBuffer in = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
      int at = 0;
      while (at < v.length) {
        in.clear();
        in.limit((int) Math.min(in.capacity(), (long) (v.length - at) * 8));
        while (in.hasRemaining()) {
          if (c.read(in) < 0) {
            throw new IOException("spill file ended early: " + f);
          }
        }
        in.flip();
        int n = in.remaining() / 8;
        in.asLongBuffer().get(v, at, n);
        at += n;
      }
    }
    Arrays.sort(v);
    for (long u : v) {
      t.accept(u);
    }
    return t;
  }

  int partitions() {
    return partitions;
  }

  @Override
  public void close() throws IOException {
    for (FileChannel c : channels) {
      if (c != null) {
        c.close();
      }
    }
  }
}
