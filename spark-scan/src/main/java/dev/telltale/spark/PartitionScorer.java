package dev.telltale.spark;

import dev.telltale.forensics.corpus.CorpusInputException;
import dev.telltale.forensics.corpus.Document;
import dev.telltale.forensics.corpus.DocumentSource;
import dev.telltale.forensics.corpus.MalformedLine;
import dev.telltale.forensics.scan.DocumentScorer;
import dev.telltale.key.KeyFileException;
import dev.telltale.key.KeySet;
import dev.telltale.key.KeySetFile;
import dev.telltale.stats.TailProbability;
import dev.telltale.text.Tokenizers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkFiles;
import scala.Tuple2;

/**
 * The scoring side of the job, run inside {@code mapPartitions}: builds one {@link DocumentScorer}
 * per partition from the {@link ScanSpec} (reading the key set file on the executor) and streams
 * the partition's documents through it, one at a time, so a partition of any size fits in a small
 * heap.
 */
final class PartitionScorer {
  private PartitionScorer() {}

  /** The scorer of one partition: the key set is read here, on the executor. */
  static DocumentScorer scorer(ScanSpec spec) {
    KeySet keys;
    try {
      keys = KeySetFile.read(keyPath(spec.keyFile()));
    } catch (KeyFileException e) {
      throw new CorpusInputException("key set file: " + e.getMessage(), e);
    }
    return DocumentScorer.of(keys, Tokenizers.byName(spec.tokenizer()));
  }

  private static Path keyPath(String keyFile) {
    Path p = Path.of(keyFile);
    // Shipped with spark-submit --files (spark.files): in the executor's working folder under its
    // file name, where a relative path also finds it.
    Path shipped = null;
    try {
      Path s = Path.of(SparkFiles.get(p.getFileName().toString()));
      if (Files.isRegularFile(s)) {
        shipped = s;
      }
    } catch (RuntimeException e) {
      // No SparkContext files on this JVM.
    }
    try {
      if (shipped != null && (!Files.isRegularFile(p) || Files.isSameFile(p, shipped))) {
        ownerOnly(shipped);
        return shipped;
      }
    } catch (IOException e) {
      // Unreadable: the plain path below, or the error.
    }
    if (Files.isRegularFile(p)) {
      return p;
    }
    throw new CorpusInputException(
        "key set file not found on the executor: " + keyFile + " (mount it or use --files)");
  }

  /**
   * Spark writes the files it ships group- and world-readable (and executable) in the executor's
   * folder; a key set file must be owner-only, so the executor's copy is restricted before it is
   * read (the key set reader refuses it otherwise).
   */
  private static void ownerOnly(Path shipped) {
    try {
      Files.setPosixFilePermissions(
          shipped, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    } catch (IOException | UnsupportedOperationException e) {
      // Not ours to change or not POSIX: the reader then says what is wrong with the file.
    }
  }

  /** Documents of the input units of a partition (whole files or JSONL segments, in order). */
  static Iterator<ScoredRow> files(ScanSpec spec, Iterator<InputSplits.Unit> files) {
    DocumentScorer scorer = scorer(spec);
    return new Iterator<>() {
      private DocumentSource source;
      private int fileIndex;
      private long inFile;
      private ScoredRow next;

      @Override
      public boolean hasNext() {
        try {
          while (next == null) {
            if (source == null) {
              if (!files.hasNext()) {
                return false;
              }
              InputSplits.Unit u = files.next();
              fileIndex = u.index;
              inFile = 0;
              source =
                  u.segment
                      ? DocumentSource.jsonlSegment(
                          u.file, name -> InputSplits.segment(u), spec.field(), u.linesBefore)
                      : DocumentSource.named(List.of(u.file), PartitionScorer::open, spec.field());
            }
            Optional<Document> d = source.next();
            long order = ((long) fileIndex << 32) | inFile++;
            if (d.isPresent()) {
              next = row(scorer, d.get(), order);
            } else {
              next = source.malformedCount() > 0 ? malformed(source, order) : null;
              source.close();
              source = null;
            }
          }
          return true;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }

      @Override
      public ScoredRow next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        ScoredRow r = next;
        next = null;
        return r;
      }
    };
  }

  /** Documents of Parquet rows (order, id, text) of a partition. */
  static Iterator<ScoredRow> documents(ScanSpec spec, Iterator<Tuple2<Long, Document>> docs) {
    DocumentScorer scorer = scorer(spec);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return docs.hasNext();
      }

      @Override
      public ScoredRow next() {
        Tuple2<Long, Document> d = docs.next();
        return row(scorer, d._2(), d._1());
      }
    };
  }

  static ScoredRow row(DocumentScorer scorer, Document doc, long order) {
    DocumentScorer.Scored s = scorer.score(doc);
    int best = s.bestKey();
    TailProbability p = TailProbability.ofLn(s.familyLog10() * Math.log(10));
    ScoredRow r = new ScoredRow();
    r.order = order;
    r.id = doc.id();
    r.line = new String(scorer.resultLine(s), StandardCharsets.UTF_8);
    r.tokens = s.tokens();
    r.bytes = doc.bytes();
    r.scored = s.scored()[best];
    r.statistic = s.score()[best];
    r.pValue = p.pValue();
    r.log10p = s.familyLog10();
    r.reportedLog10p = p.log10PValue();
    r.keyId = scorer.keyId(best);
    r.positions = s.positions();
    r.fingerprints = s.fingerprints();
    return r;
  }

  private static ScoredRow malformed(DocumentSource source, long order) {
    List<MalformedLine> m = source.malformed();
    ScoredRow r = new ScoredRow();
    r.order = order;
    r.malformedSummary = true;
    r.malformedCount = source.malformedCount();
    r.malformedSources = new String[m.size()];
    r.malformedLines = new long[m.size()];
    r.malformedReasons = new String[m.size()];
    for (int i = 0; i < m.size(); i++) {
      r.malformedSources[i] = m.get(i).source();
      r.malformedLines[i] = m.get(i).line();
      r.malformedReasons[i] = m.get(i).reason();
    }
    return r;
  }

  /** Opens a corpus file at byte {@code offset}. */
  static InputStream openAt(String name, long offset) throws IOException {
    if (!CorpusListing.hasScheme(name)) {
      try {
        java.nio.channels.FileChannel c = java.nio.channels.FileChannel.open(Path.of(name));
        c.position(offset);
        return java.nio.channels.Channels.newInputStream(c);
      } catch (java.nio.file.NoSuchFileException e) {
        throw new CorpusInputException("no such file: " + name, e);
      }
    }
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(name);
    FileSystem fs = p.getFileSystem(new Configuration());
    try {
      org.apache.hadoop.fs.FSDataInputStream in = fs.open(p);
      in.seek(offset);
      return in;
    } catch (java.io.FileNotFoundException e) {
      throw new CorpusInputException("no such file: " + name, e);
    }
  }

  /**
   * Opens a corpus file: local paths directly, URIs with a scheme through Hadoop's file systems.
   */
  static InputStream open(String name) throws IOException {
    if (!CorpusListing.hasScheme(name)) {
      try {
        return Files.newInputStream(Path.of(name));
      } catch (java.nio.file.NoSuchFileException e) {
        throw new CorpusInputException("no such file: " + name, e);
      }
    }
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(name);
    FileSystem fs = p.getFileSystem(new Configuration());
    try {
      return fs.open(p);
    } catch (java.io.FileNotFoundException e) {
      throw new CorpusInputException("no such file: " + name, e);
    }
  }
}
