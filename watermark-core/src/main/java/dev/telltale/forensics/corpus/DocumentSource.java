package dev.telltale.forensics.corpus;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * A corpus read one document at a time, in a fixed order, so that a scan can stream any size and
 * resume by skipping the documents it has already done. Not thread-safe: the scan reads from one
 * thread.
 */
public interface DocumentSource extends AutoCloseable {
  /** At most this many malformed lines are remembered; all are counted. */
  int MAX_REMEMBERED_MALFORMED = 100;

  /** The next document, or empty at the end of the corpus. */
  Optional<Document> next() throws IOException;

  /** Malformed lines seen so far (the first {@value #MAX_REMEMBERED_MALFORMED}). */
  List<MalformedLine> malformed();

  /** Number of malformed lines seen so far. */
  long malformedCount();

  @Override
  void close() throws IOException;

  /**
   * A fingerprint of the whole corpus this source reads ({@link CorpusFingerprint}), recorded in a
   * scan's work folder so that the folder is never reused for another corpus; empty when the source
   * cannot tell (then a work folder is refused once it holds work).
   */
  default String fingerprint() throws IOException {
    return "";
  }

  /**
   * Files and folders (walked in sorted path order): {@code .jsonl}/{@code .ndjson} files give one
   * document per line from {@code field}; other files are one document each; a {@code .gz} suffix
   * is decompressed first.
   */
  static DocumentSource files(List<Path> roots, String field) {
    return new CorpusFiles(roots, field);
  }

  /**
   * The files a {@link #files} source reads, in its order: files as given, folders walked in sorted
   * path order without hidden files.
   *
   * @throws CorpusInputException when a path does not exist or a folder cannot be listed
   */
  static List<Path> listFiles(List<Path> roots) {
    return CorpusFiles.expand(roots);
  }

  /**
   * Files named {@code names} (in that order) opened by {@code opener}, parsed exactly as {@link
   * #files} parses local files: for an engine that reads another file system.
   */
  static DocumentSource named(List<String> names, StreamOpener opener, String field) {
    return new CorpusFiles(names, opener::open, field);
  }

  /**
   * One line-aligned segment of a JSONL file, parsed exactly as {@link #files} parses the whole
   * file, its lines numbered as in the whole file: {@code opener} gives the segment's bytes (whole
   * lines), {@code linesBefore} is the number of lines of the file before it. For an engine that
   * reads one large file in several tasks; ids and malformed-line reports are the whole file's.
   */
  static DocumentSource jsonlSegment(
      String name, StreamOpener opener, String field, long linesBefore) {
    if (linesBefore < 0) {
      throw new IllegalArgumentException("linesBefore must not be negative");
    }
    return new CorpusFiles(List.of(name), opener::open, field, linesBefore);
  }

  /** Opens a corpus file by the name a {@link #named} source was given. */
  @FunctionalInterface
  interface StreamOpener {
    java.io.InputStream open(String name) throws IOException;
  }

  /** Documents already in memory (tests, the demo, service uploads). */
  static DocumentSource of(List<Document> documents) {
    List<Document> all = List.copyOf(documents);
    Iterator<Document> it = all.iterator();
    return new DocumentSource() {
      @Override
      public String fingerprint() {
        return CorpusFingerprint.ofDocuments(all);
      }

      @Override
      public Optional<Document> next() {
        return it.hasNext() ? Optional.of(it.next()) : Optional.empty();
      }

      @Override
      public List<MalformedLine> malformed() {
        return List.of();
      }

      @Override
      public long malformedCount() {
        return 0;
      }

      @Override
      public void close() {}
    };
  }
}
