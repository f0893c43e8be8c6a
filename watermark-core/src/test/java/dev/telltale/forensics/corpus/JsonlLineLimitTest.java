package dev.telltale.forensics.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JSONL lines are read with a bound: a line longer than the limit is skipped without being held in
 * memory and counted as malformed with its line number, and the lines around it are read as before;
 * a file without newlines full of NULs (a sparse file) stops at the first block.
 */
class JsonlLineLimitTest {
  @TempDir Path dir;

  private static List<Document> readAll(CorpusFiles f) throws Exception {
    List<Document> out = new ArrayList<>();
    for (Optional<Document> d = f.next(); d.isPresent(); d = f.next()) {
      out.add(d.get());
    }
    return out;
  }

  @Test
  void aLineOverTheLimitIsSkippedAndCountedAsMalformed() throws Exception {
    Path p = dir.resolve("c.jsonl");
    String longLine = "{\"text\":\"" + "a".repeat(300_000) + "\"}";
    Files.writeString(
        p,
        "{\"text\":\"first\"}\r\n" + longLine + "\n{\"text\":\"third\"}\r{\"text\":\"fourth\"}",
        StandardCharsets.UTF_8);
    try (CorpusFiles f = new CorpusFiles(List.of(p), "text")) {
      f.maxLineChars = 100_000;
      List<Document> docs = readAll(f);
      assertEquals(List.of("first", "third", "fourth"), docs.stream().map(Document::text).toList());
      assertEquals(p + ":4", docs.get(2).id());
      assertEquals(1, f.malformedCount());
      assertEquals(2, f.malformed().get(0).line());
      assertTrue(f.malformed().get(0).reason().contains("longer than 100000"));
    }
    // The same file under the default limit reads all four lines.
    try (CorpusFiles f = new CorpusFiles(List.of(p), "text")) {
      assertEquals(4, readAll(f).size());
      assertEquals(0, f.malformedCount());
    }
  }

  @Test
  void aLineAtTheLimitIsKept() throws Exception {
    Path p = dir.resolve("edge.jsonl");
    String line = "{\"text\":\"" + "b".repeat(1000) + "\"}";
    Files.writeString(p, line + "\n" + line);
    try (CorpusFiles f = new CorpusFiles(List.of(p), "text")) {
      f.maxLineChars = line.length();
      assertEquals(2, readAll(f).size());
      assertEquals(0, f.malformedCount());
    }
    try (CorpusFiles f = new CorpusFiles(List.of(p), "text")) {
      f.maxLineChars = line.length() - 1;
      assertEquals(0, readAll(f).size());
      assertEquals(2, f.malformedCount());
    }
  }

  @Test
  void aSparseFileWithoutNewlinesStopsEarly() throws Exception {
    Path p = dir.resolve("sparse.jsonl");
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
      f.setLength(3L << 30);
    }
    CorpusInputException e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(5),
            () ->
                assertThrows(
                    CorpusInputException.class,
                    () -> {
                      try (CorpusFiles f = new CorpusFiles(List.of(p), "text")) {
                        readAll(f);
                      }
                    }));
    assertTrue(e.getMessage().contains("binary"), e.getMessage());
  }
}
