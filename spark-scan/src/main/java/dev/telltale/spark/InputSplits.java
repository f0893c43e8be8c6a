package dev.telltale.spark;

import dev.telltale.forensics.corpus.CorpusInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Plans the tasks that read a corpus of files: an uncompressed JSONL file larger than the split
 * size is read by several tasks, each owning the lines that start in its byte range (as Hadoop's
 * line reader splits text, with the line ends {@link java.io.BufferedReader#readLine} knows: {@code
 * \n}, {@code \r} and {@code \r\n}); a gzip file is one task (gzip cannot be entered in the
 * middle); small files are grouped into tasks of about the split size. A short job counts the lines
 * before every split, so ids made of line numbers and malformed-line reports are the whole file's.
 */
final class InputSplits {
  /** Spark configuration key of the split size in bytes (default: derived from corpus size). */
  static final String SPLIT_BYTES = "spark.telltale.scan.splitBytes";

  static final long MIN_SPLIT = 8L << 20;
  static final long MAX_SPLIT = 128L << 20;

  private InputSplits() {}

  /**
   * What one task reads of one file: the whole file, or the lines starting in {@code [start, end)}.
   */
  static final class Unit implements Serializable {
    private static final long serialVersionUID = 1L;
    int index;
    String file;
    boolean segment;
    long start;
    long end;
    long linesBefore;

    Unit() {}

    Unit(int index, String file, boolean segment, long start, long end) {
      this.index = index;
      this.file = file;
      this.segment = segment;
      this.start = start;
      this.end = end;
    }
  }

  static boolean splittable(String file) {
    String n = file.substring(file.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    return n.endsWith(".jsonl") || n.endsWith(".ndjson");
  }

  /** The split size: the configured one, else about a third of a core's share, in 8..128 MB. */
  static long splitBytes(JavaSparkContext jsc, long configured, long total) {
    if (configured > 0) {
      return configured;
    }
    long share = total / (3L * Math.max(1, jsc.defaultParallelism()));
    return Math.max(MIN_SPLIT, Math.min(MAX_SPLIT, share));
  }

  /** Task groups of units, in corpus order (unit indices increase through the list). */
  static List<List<Unit>> plan(JavaSparkContext jsc, List<String> files, long configuredSplit) {
    Configuration conf = jsc.hadoopConfiguration();
    long[] sizes = new long[files.size()];
    long total = 0;
    for (int i = 0; i < files.size(); i++) {
      sizes[i] = size(files.get(i), conf);
      total += sizes[i];
    }
    long split = splitBytes(jsc, configuredSplit, total);
    List<Unit> units = new ArrayList<>();
    List<Unit> segments = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      String f = files.get(i);
      long size = sizes[i];
      if (splittable(f) && size > split + split / 4) {
        int pieces = (int) Math.min(Integer.MAX_VALUE / 2, (size + split - 1) / split);
        for (int p = 0; p < pieces; p++) {
          Unit u = new Unit(units.size(), f, true, size * p / pieces, size * (p + 1) / pieces);
          units.add(u);
          segments.add(u);
        }
      } else {
        units.add(new Unit(units.size(), f, false, 0, size));
      }
    }
    if (!segments.isEmpty()) {
      countLinesBefore(jsc, segments);
    }
    List<List<Unit>> groups = new ArrayList<>();
    List<Unit> group = new ArrayList<>();
    long bytes = 0;
    for (Unit u : units) {
      long b = u.end - u.start;
      if (!group.isEmpty() && bytes + b > split) {
        groups.add(group);
        group = new ArrayList<>();
        bytes = 0;
      }
      group.add(u);
      bytes += b;
    }
    if (!group.isEmpty()) {
      groups.add(group);
    }
    return groups;
  }

  /** Counts each segment's line starts in a short job and sets every segment's lines before. */
  private static void countLinesBefore(JavaSparkContext jsc, List<Unit> segments) {
    List<Long> counts =
        jsc.parallelize(segments, segments.size())
            .map(u -> countLineStarts(u.file, u.start, u.end))
            .collect();
    String file = null;
    long before = 0;
    for (int i = 0; i < segments.size(); i++) {
      Unit u = segments.get(i);
      if (!u.file.equals(file)) {
        file = u.file;
        before = 0;
      }
      u.linesBefore = before;
      before += counts.get(i);
    }
  }

  private static long size(String file, Configuration conf) {
    try {
      if (!CorpusListing.hasScheme(file)) {
        return Files.size(Path.of(file));
      }
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(file);
      return p.getFileSystem(conf).getFileStatus(p).getLen();
    } catch (java.io.FileNotFoundException | java.nio.file.NoSuchFileException e) {
      throw new CorpusInputException("no such file: " + file, e);
    } catch (IOException e) {
      throw new CorpusInputException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Whether a line starts at a byte {@code cur} that follows byte {@code prev} (-1: none). */
  static boolean lineStart(int prev, int cur) {
    return cur >= 0 && (prev < 0 || prev == '\n' || (prev == '\r' && cur != '\n'));
  }

  /** Line starts at positions in {@code [start, end)} of {@code file}. */
  static long countLineStarts(String file, long start, long end) throws IOException {
    long base = Math.max(0, start - 1);
    try (InputStream in = PartitionScorer.openAt(file, base)) {
      byte[] buf = new byte[1 << 16];
      int prev = -1;
      long pos = base;
      long count = 0;
      int n;
      while (pos < end && (n = in.read(buf, 0, buf.length)) > 0) {
        for (int i = 0; i < n && pos < end; i++, pos++) {
          int cur = buf[i] & 0xFF;
          if (pos >= start && lineStart(prev, cur)) {
            count++;
          }
          prev = cur;
        }
      }
      return count;
    }
  }

  /**
   * The bytes of the lines that start in {@code [start, end)}, read from a stream positioned at
   * {@code max(0, start - 1)}: whole lines, the last one read past {@code end} to its end.
   */
  static final class SegmentStream extends InputStream {
    private final InputStream in;
    private final long end;
    private final byte[] buf = new byte[1 << 16];
    private int at;
    private int len;
    private long pos;
    private int prev = -1;
    private boolean done;

    SegmentStream(InputStream in, long start, long end) throws IOException {
      this.in = in;
      this.end = end;
      this.pos = Math.max(0, start - 1);
      if (start > 0) {
        prev = take();
      }
      // Skip to the first line starting at or after start.
      while (true) {
        int cur = peek();
        if (cur < 0 || pos >= end) {
          done = true;
          return;
        }
        if (lineStart(prev, cur)) {
          return;
        }
        prev = take();
      }
    }

    private int peek() throws IOException {
      if (at == len) {
        len = in.read(buf, 0, buf.length);
        at = 0;
        if (len <= 0) {
          len = 0;
          return -1;
        }
      }
      return buf[at] & 0xFF;
    }

    private int take() throws IOException {
      int c = peek();
      if (c >= 0) {
        at++;
        pos++;
      }
      return c;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int n) throws IOException {
      if (n == 0) {
        return 0;
      }
      int out = 0;
      while (!done && out < n) {
        int cur = peek();
        if (cur < 0) {
          done = true;
          break;
        }
        if (pos < end) {
          // Inside the range: copy what is buffered, up to the range's end.
          int k = (int) Math.min(Math.min(n - out, len - at), end - pos);
          System.arraycopy(buf, at, b, off + out, k);
          at += k;
          pos += k;
          out += k;
          prev = b[off + out - 1] & 0xFF;
          continue;
        }
        // Past the range: finish the line that started inside it.
        if (lineStart(prev, cur)) {
          done = true;
          break;
        }
        b[off + out++] = (byte) take();
        prev = cur;
      }
      return out == 0 && done ? -1 : out;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  static InputStream segment(Unit u) {
    try {
      return new SegmentStream(
          PartitionScorer.openAt(u.file, Math.max(0, u.start - 1)), u.start, u.end);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
