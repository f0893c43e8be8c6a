package dev.telltale.forensics.scan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.forensics.corpus.CorpusInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

/**
 * Counters and per-document p-values of a corpus scan so far, and their checkpoint: a JSON file
 * with the counters and the lengths of the results, p-value and spill files at a prefix of the
 * corpus. Restoring cuts those files back to the recorded lengths, so work done after the last
 * checkpoint (a crash) is dropped and redone.
 */
final class ScanState {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String CHECKPOINT = "checkpoint.json";
  static final String PVALUES = "log10p.bin";

  private final String configuration;

  long documents;
  long tokens;
  long bytes;
  final long[] positions;
  final DoubleList log10p = new DoubleList();

  ScanState(int keys, String configuration) {
    this.positions = new long[keys];
    this.configuration = configuration;
  }

  void save(Path file, TupleSpill spill, FileChannel docs, FileChannel pv, long malformed)
      throws IOException {
    long[] lengths = spill.flushAll();
    docs.force(false);
    pv.force(false);
    ObjectNode o = JSON.createObjectNode();
    o.put("version", 1);
    o.put("configuration", configuration);
    o.put("documents", documents);
    o.put("tokens", tokens);
    o.put("bytes", bytes);
    o.put("malformed_lines", malformed);
    o.put("documents_file_bytes", docs.size());
    o.put("log10p_bytes", pv.size());
    var pos = o.putArray("positions");
    for (long p : positions) {
      pos.add(p);
    }
    var sp = o.putArray("spill_bytes");
    for (long l : lengths) {
      sp.add(l);
    }
    Path tmp = file.resolveSibling(CHECKPOINT + ".tmp");
    Files.write(tmp, JSON.writeValueAsBytes(o));
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  void restore(Path file, TupleSpill spill, FileChannel docs, FileChannel pv) throws IOException {
    JsonNode o = JSON.readTree(file.toFile());
    if (o.path("version").asInt() != 1 || !configuration.equals(o.path("configuration").asText())) {
      throw new CorpusInputException(
          "the work folder holds a checkpoint of a scan with other keys or settings: " + file);
    }
    documents = o.get("documents").asLong();
    tokens = o.get("tokens").asLong();
    bytes = o.get("bytes").asLong();
    for (int i = 0; i < positions.length; i++) {
      positions[i] = o.get("positions").get(i).asLong();
    }
    long[] lengths = new long[spill.slots()];
    JsonNode sp = o.get("spill_bytes");
    if (sp == null || sp.size() != lengths.length) {
      throw new CorpusInputException("damaged checkpoint: " + file);
    }
    for (int i = 0; i < lengths.length; i++) {
      lengths[i] = sp.get(i).asLong();
    }
    spill.truncate(lengths);
    long docBytes = o.get("documents_file_bytes").asLong();
    long pvBytes = o.get("log10p_bytes").asLong();
    if (docs.size() < docBytes || pv.size() < pvBytes || pvBytes != documents * 8) {
      throw new CorpusInputException("work files shorter than their checkpoint: " + file);
    }
    docs.truncate(docBytes);
    docs.position(docBytes);
    pv.truncate(pvBytes);
    pv.position(pvBytes);
    ByteBuffer in = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    long at = 0;
    while (at < pvBytes) {
      in.clear();
      in.limit((int) Math.min(in.capacity(), pvBytes - at));
      int r = pv.read(in, at);
      if (r <= 0) {
        throw new IOException("cannot read " + PVALUES);
      }
      at += r;
      in.flip();
      while (in.remaining() >= 8) {
        log10p.add(in.getDouble());
      }
      at -= in.remaining();
    }
  }

  /** A growable primitive array: one double per document, no boxing. */
  static final class DoubleList {
    private double[] values = new double[1024];
    private int size;

    void add(double v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    double get(int i) {
      return values[i];
    }

    int size() {
      return size;
    }

    double[] values() {
      return values;
    }
  }
}
