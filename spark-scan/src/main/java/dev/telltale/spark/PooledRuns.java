package dev.telltale.spark;

import dev.telltale.forensics.scan.DocumentScorer;
import dev.telltale.forensics.scan.TupleTotals;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import scala.Tuple2;

/**
 * The pooled tuple set as packed primitive runs instead of one row per fingerprint.
 *
 * <p>Map side ({@link #wrap}): the fingerprints of a partition's documents are gathered per key in
 * one {@code long[]} buffer; when it is full (and at the partition's end) it is bucketed by pooled
 * partition (the fingerprint's low bits, as in the single-machine spill), each bucket sorted and
 * deduplicated, and each non-empty bucket emitted as one record: its slot ({@code key * partitions
 * + partition}) and its values delta-encoded as varints. Memory is the buffer, whatever the
 * partition's size.
 *
 * <p>Reduce side ({@link #totals}): the runs are shuffled by slot and sorted by slot (Spark sorts
 * the few run records, never the fingerprints), so a task holds one slot's runs at a time; it
 * decodes them into one array, sorts it and streams it through core's {@link TupleTotals}, which
 * counts each distinct fingerprint once and adds Gumbel scores in ascending order: the
 * single-machine scan's totals, bit for bit (for vLLM keys too, whose fingerprints carry their
 * score).
 */
final class PooledRuns {
  /** Spark configuration key: fingerprints buffered per key and task before a run is emitted. */
  static final String RUN_TUPLES = "spark.telltale.scan.runTuples";

  static final int DEFAULT_RUN_TUPLES = 1 << 20;

  private PooledRuns() {}

  /**
   * The partition's document rows without their fingerprints, followed (interleaved as buffers
   * fill) by run rows ({@link ScoredRow#run} set).
   */
  static Iterator<ScoredRow> wrap(Iterator<ScoredRow> rows, int keys, int parts, int runTuples) {
    return new Iterator<>() {
      private final Buffers buffers = new Buffers(keys, parts, runTuples);
      private final ArrayDeque<ScoredRow> ready = new ArrayDeque<>();
      private boolean flushed;

      @Override
      public boolean hasNext() {
        while (ready.isEmpty()) {
          if (rows.hasNext()) {
            ScoredRow r = rows.next();
            if (r.fingerprints != null) {
              for (int k = 0; k < r.fingerprints.length; k++) {
                buffers.add(k, r.fingerprints[k], ready);
              }
              r.fingerprints = null;
            }
            ready.add(r);
          } else if (!flushed) {
            flushed = true;
            for (int k = 0; k < keys; k++) {
              buffers.flush(k, ready);
            }
          } else {
            return false;
          }
        }
        return true;
      }

      @Override
      public ScoredRow next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return ready.poll();
      }
    };
  }

  /** Per-key fingerprint buffers of one task, with a direct-mapped cache of recent values. */
  static final class Buffers {
    private static final int CACHE = 1 << 14;
    private final int parts;
    private final int capacity;
    private final long[][] buf;
    private final int[] fill;
    private final long[][] cache;
    private long[] scratch;
    private int[] starts;

    Buffers(int keys, int parts, int capacity) {
      this.parts = parts;
      this.capacity = Math.max(parts, capacity);
      this.buf = new long[keys][];
      this.fill = new int[keys];
      this.cache = new long[keys][];
    }

    void add(int key, long[] values, ArrayDeque<ScoredRow> out) {
      if (buf[key] == null) {
        buf[key] = new long[capacity];
        cache[key] = new long[CACHE];
      }
      long[] b = buf[key];
      long[] c = cache[key];
      for (long u : values) {
        // Common n-grams recur in neighbouring documents: drop exact recent repeats early.
        int slot = (int) ((u * 0x9E3779B97F4A7C15L) >>> 50) & (CACHE - 1);
        if (u != 0 && c[slot] == u) {
          continue;
        }
        c[slot] = u;
        if (fill[key] == b.length) {
          flush(key, out);
        }
        b[fill[key]++] = u;
      }
    }

    /** Emits the key's buffer as one sorted, deduplicated run per non-empty pooled partition. */
    void flush(int key, ArrayDeque<ScoredRow> out) {
      int n = fill[key];
      if (n == 0) {
        return;
      }
      long[] b = buf[key];
      if (scratch == null) {
        scratch = new long[capacity];
        starts = new int[parts + 1];
      }
      // Counting sort by pooled partition into scratch.
      int mask = parts - 1;
      Arrays.fill(starts, 0);
      for (int i = 0; i < n; i++) {
        starts[(int) (b[i] & mask) + 1]++;
      }
      for (int p = 0; p < parts; p++) {
        starts[p + 1] += starts[p];
      }
      int[] at = Arrays.copyOf(starts, parts);
      for (int i = 0; i < n; i++) {
        long u = b[i];
        scratch[at[(int) (u & mask)]++] = u;
      }
      for (int p = 0; p < parts; p++) {
        int from = starts[p];
        int to = starts[p + 1];
        if (from == to) {
          continue;
        }
        Arrays.sort(scratch, from, to);
        ScoredRow r = new ScoredRow();
        r.slot = key * parts + p;
        r.run = encode(scratch, from, to);
        out.add(r);
      }
      fill[key] = 0;
    }
  }

  /**
   * Sorted values {@code v[from..to)} (with repeats) as: distinct count (varint), the first value
   * (8 bytes), then each next distinct value's difference from the previous as an unsigned varint.
   */
  static byte[] encode(long[] v, int from, int to) {
    int distinct = 1;
    for (int i = from + 1; i < to; i++) {
      if (v[i] != v[i - 1]) {
        distinct++;
      }
    }
    byte[] out = new byte[5 + 8 + 10 * (distinct - 1)];
    int at = putVarint(out, 0, distinct);
    long first = v[from];
    for (int s = 56; s >= 0; s -= 8) {
      out[at++] = (byte) (first >>> s);
    }
    long last = first;
    for (int i = from + 1; i < to; i++) {
      if (v[i] != last) {
        at = putVarint(out, at, v[i] - last);
        last = v[i];
      }
    }
    return Arrays.copyOf(out, at);
  }

  /** Number of values in an encoded run. */
  static int count(byte[] run) {
    long n = 0;
    int shift = 0;
    for (int i = 0; ; i++) {
      int b = run[i];
      n |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return (int) n;
      }
      shift += 7;
    }
  }

  /** Decodes a run into {@code dst} from {@code at}; returns the index after the last value. */
  static int decode(byte[] run, long[] dst, int at) {
    int i = 0;
    long n = 0;
    int shift = 0;
    while (true) {
      int b = run[i++];
      n |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        break;
      }
      shift += 7;
    }
    long v = 0;
    for (int k = 0; k < 8; k++) {
      v = (v << 8) | (run[i++] & 0xFF);
    }
    dst[at++] = v;
    for (long c = 1; c < n; c++) {
      long d = 0;
      shift = 0;
      while (true) {
        int b = run[i++];
        d |= (long) (b & 0x7F) << shift;
        if (b >= 0) {
          break;
        }
        shift += 7;
      }
      v += d;
      dst[at++] = v;
    }
    return at;
  }

  private static int putVarint(byte[] out, int at, long v) {
    while ((v & ~0x7FL) != 0) {
      out[at++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out[at++] = (byte) v;
    return at;
  }

  /**
   * Totals of every slot of a reduce partition, from its (slot, run) records sorted by slot: one
   * slot's runs are decoded into one array at a time, sorted and streamed through {@link
   * TupleTotals}. A vLLM key's totals are core's {@link DocumentScorer#emptyTotals} (its
   * fingerprints carry their own score, {@link TupleTotals#forVllm}), built from a scorer read on
   * the executor from {@code spec}, as the single-machine scan totals them.
   */
  static Iterator<SparkCorpusScan.PartTotal> totals(
      Iterator<Tuple2<Integer, byte[]>> records,
      int parts,
      boolean[] green,
      long[] thresholds,
      boolean[] vllm,
      ScanSpec spec) {
    DocumentScorer scorer = null;
    List<SparkCorpusScan.PartTotal> out = new ArrayList<>();
    List<byte[]> runs = new ArrayList<>();
    long[] values = new long[1 << 16];
    int slot = -1;
    while (true) {
      Tuple2<Integer, byte[]> r = records.hasNext() ? records.next() : null;
      if (r == null || r._1() != slot) {
        if (slot >= 0) {
          int n = 0;
          for (byte[] run : runs) {
            n += count(run);
          }
          if (values.length < n) {
            values = new long[Math.max(n, values.length * 2)];
          }
          int at = 0;
          for (byte[] run : runs) {
            at = decode(run, values, at);
          }
          Arrays.sort(values, 0, at);
          int key = slot / parts;
          TupleTotals t;
          if (vllm[key]) {
            if (scorer == null) {
              scorer = PartitionScorer.scorer(spec);
            }
            t = scorer.emptyTotals(key);
          } else {
            t = new TupleTotals(green[key], thresholds[key]);
          }
          for (int i = 0; i < at; i++) {
            t.accept(values[i]);
          }
          out.add(new SparkCorpusScan.PartTotal(key, slot % parts, t));
          runs.clear();
        }
        if (r == null) {
          return out.iterator();
        }
        slot = r._1();
      }
      runs.add(r._2());
    }
  }
}
