package dev.telltale.service;

import dev.telltale.forensics.corpus.CorpusInputException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The files of scan jobs under {@code data/scans/}: folders created owner-only, corpus files read
 * with a leading UTF-8 byte order mark dropped and JSONL lines bounded ({@code scans.line_bytes}: a
 * longer line fails the job with that reason instead of filling the heap), and the sweep that
 * removes upload folders left without a job (a failed or stalled upload, a crash) and, unless
 * {@code scans.retain_uploads}, the uploaded corpus of every job that has ended (its SHA-256 stays
 * in the job row, the audit row and any evidence).
 */
final class ScanFiles {
  private static final Logger LOG = Logger.getLogger(ScanFiles.class.getName());
  private static final Set<String> ENDED = Set.of("succeeded", "failed", "cancelled");

  private ScanFiles() {}

  /** Creates {@code dir} and its missing parents owner-only (700 where POSIX permissions exist). */
  static void createOwnerOnly(Path dir) throws IOException {
    Path parent = dir.getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      createOwnerOnly(parent);
    }
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir);
    }
    DataFolder.ownerOnly(dir);
  }

  /** Opens a corpus file for a scan: without a UTF-8 BOM and, for JSONL, with bounded lines. */
  static InputStream open(String name, long maxLine) throws IOException {
    InputStream in;
    try {
      in = Files.newInputStream(Path.of(name));
    } catch (java.nio.file.NoSuchFileException e) {
      throw new CorpusInputException("no such file: " + name, e);
    }
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".gz")) {
      return in; // decompressed by the reader; its lines are bounded by the text limits only
    }
    in = withoutBom(in);
    return lower.endsWith(".jsonl") || lower.endsWith(".ndjson")
        ? new BoundedLines(in, maxLine)
        : in;
  }

  static InputStream withoutBom(InputStream raw) throws IOException {
    PushbackInputStream in = new PushbackInputStream(raw, 3);
    byte[] head = in.readNBytes(3);
    boolean bom =
        head.length == 3
            && (head[0] & 0xff) == 0xEF
            && (head[1] & 0xff) == 0xBB
            && (head[2] & 0xff) == 0xBF;
    if (!bom && head.length > 0) {
      in.unread(head);
    }
    return in;
  }

  /** Refuses a line longer than {@code max} bytes, naming its number, before it is buffered. */
  static final class BoundedLines extends FilterInputStream {
    private final long max;
    private long line = 1;
    private long length;

    BoundedLines(InputStream in, long max) {
      super(in);
      this.max = max;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count((byte) b);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      for (int i = 0; i < n; i++) {
        count(b[off + i]);
      }
      return n;
    }

    private void count(byte b) {
      if (b == '\n') {
        line++;
        length = 0;
      } else if (++length > max) {
        throw new CorpusInputException(
            "line " + line + " is longer than the limit of " + max + " bytes (scans.line_bytes)");
      }
    }
  }

  /** Deletes a job's uploaded corpus file (the job's folder and its results stay). */
  static void deleteUpload(Path input) {
    try {
      Files.deleteIfExists(input);
    } catch (IOException e) {
      LOG.warning("cannot delete an ended scan's upload: " + e.getMessage());
    }
  }

  /**
   * Removes upload folders with no job that were not written for {@code staleMs} (an upload in
   * progress writes its file continually), and, unless {@code retain}, the uploads of ended jobs.
   */
  static int sweep(Path scans, JobStore jobs, boolean retain, long staleMs) {
    if (!Files.isDirectory(scans)) {
      return 0;
    }
    int removed = 0;
    long now = System.currentTimeMillis();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(scans)) {
      for (Path dir : dirs) {
        if (!Files.isDirectory(dir)) {
          continue;
        }
        Optional<String> state = jobs.state(dir.getFileName().toString());
        if (state.isEmpty()) {
          if (now - newest(dir) > staleMs) {
            deleteTree(dir);
            removed++;
          }
        } else if (!retain && ENDED.contains(state.get())) {
          try (Stream<Path> files = Files.list(dir)) {
            for (Path f :
                files.filter(f -> f.getFileName().toString().startsWith("corpus.")).toList()) {
              Files.deleteIfExists(f);
              removed++;
            }
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.warning("scan folder sweep failed: " + e.getMessage());
    }
    return removed;
  }

  private static long newest(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.map(
              p -> {
                try {
                  return Files.getLastModifiedTime(p);
                } catch (IOException e) {
                  return FileTime.fromMillis(0);
                }
              })
          .max(Comparator.naturalOrder())
          .orElse(FileTime.fromMillis(0))
          .toMillis();
    }
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | RuntimeException e) {
      LOG.fine("cannot delete " + dir + ": " + e.getMessage());
    }
  }

  static final Set<java.nio.file.attribute.PosixFilePermission> FILE_600 =
      PosixFilePermissions.fromString("rw-------");
}
