package dev.telltale.forensics.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.TestGenerators;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocumentSourceTest {
  @TempDir Path tmp;

  static List<Document> readAll(DocumentSource s) throws IOException {
    List<Document> out = new ArrayList<>();
    for (Optional<Document> d = s.next(); d.isPresent(); d = s.next()) {
      out.add(d.get());
    }
    return out;
  }

  @Test
  void readsFoldersJsonlGzipAndPlainTextInPathOrder() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("corpus/sub"));
    Files.writeString(tmp.resolve("corpus/a.txt"), "plain one");
    Files.writeString(
        dir.resolve("b.jsonl"), "{\"text\":\"j1\",\"id\":\"x\"}\n\n{\"text\":\"j2\"}\n");
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(dir.resolve("c.jsonl.gz")))) {
      o.write("{\"body\":\"ignored\",\"text\":\"gz\"}\n".getBytes(StandardCharsets.UTF_8));
    }
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(dir.resolve("d.txt.gz")))) {
      o.write("zipped plain".getBytes(StandardCharsets.UTF_8));
    }
    Files.writeString(tmp.resolve("corpus/.hidden"), "skipped");
    try (DocumentSource s = DocumentSource.files(List.of(tmp.resolve("corpus")), "text")) {
      List<Document> docs = readAll(s);
      assertEquals(
          List.of("plain one", "j1", "j2", "gz", "zipped plain"),
          docs.stream().map(Document::text).toList());
      assertEquals("x", docs.get(1).id());
      assertTrue(docs.get(2).id().endsWith("b.jsonl:3"), docs.get(2).id());
    }
  }

  @Test
  void malformedLinesAreCountedWithLineNumbersAndSkipped() throws IOException {
    Path f = tmp.resolve("m.jsonl");
    Files.writeString(f, "{\"text\":\"ok\"}\n{broken\n[1,2]\n{\"text\":5}\n{\"text\":\"fine\"}\n");
    try (DocumentSource s = DocumentSource.files(List.of(f), "text")) {
      assertEquals(2, readAll(s).size());
      assertEquals(3, s.malformedCount());
      assertEquals(List.of(2L, 3L, 4L), s.malformed().stream().map(MalformedLine::line).toList());
    }
  }

  @Test
  void aMissingFieldIsAnErrorNamingTheLine() throws IOException {
    Path f = tmp.resolve("n.jsonl");
    Files.writeString(f, "{\"text\":\"ok\"}\n{\"body\":\"no text\"}\n");
    try (DocumentSource s = DocumentSource.files(List.of(f), "text")) {
      CorpusInputException e = assertThrows(CorpusInputException.class, () -> readAll(s));
      assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("\"text\""));
    }
  }

  @Test
  void binaryFilesAreErrors() throws IOException {
    Path bin = tmp.resolve("x.bin");
    Files.write(bin, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2});
    Path nul = tmp.resolve("y.txt");
    Files.write(nul, new byte[] {'a', 0, 'b'});
    Path binJsonl = tmp.resolve("z.jsonl");
    Files.write(binJsonl, new byte[] {'{', (byte) 0xc3, '}', '\n'});
    for (Path p : List.of(bin, nul, binJsonl)) {
      try (DocumentSource s = DocumentSource.files(List.of(p), "text")) {
        CorpusInputException e = assertThrows(CorpusInputException.class, () -> readAll(s));
        assertTrue(e.getMessage().contains("binary"), e.getMessage());
      }
    }
  }

  @Test
  void missingPathsAndBadGzipAreErrors() throws IOException {
    assertThrows(
        CorpusInputException.class,
        () -> DocumentSource.files(List.of(tmp.resolve("nope")), "text"));
    Path gz = tmp.resolve("bad.jsonl.gz");
    Files.writeString(gz, "not gzip at all");
    try (DocumentSource s = DocumentSource.files(List.of(gz), "text")) {
      assertThrows(CorpusInputException.class, () -> readAll(s));
    }
  }

  @Test
  void everyLineIsEitherADocumentOrCountedAsMalformed() {
    qt().withFixedSeed(0xD0C5_0001L)
        .withExamples(50)
        .forAll(lists().of(TestGenerators.unicodeStrings(20)).ofSizeBetween(0, 30), longs().all())
        .checkAssert(
            (texts, seed) -> TestGenerators.unchecked(() -> documentsOrMalformed(texts, seed)));
  }

  private static void documentsOrMalformed(List<String> texts, long seed) throws IOException {
    Path f = Files.createTempFile("prop", ".jsonl");
    try {
      ObjectMapper json = new ObjectMapper();
      java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
      StringBuilder b = new StringBuilder();
      List<String> good = new ArrayList<>();
      int bad = 0;
      for (String t : texts) {
        if (r.nextInt(3) == 0) {
          b.append("{\"text\": ").append(json.writeValueAsString(t)).append(" oops\n");
          bad++;
        } else {
          b.append(json.writeValueAsString(java.util.Map.of("text", t))).append('\n');
          good.add(t);
        }
      }
      Files.writeString(f, b.toString());
      try (DocumentSource s = DocumentSource.files(List.of(f), "text")) {
        List<Document> docs = readAll(s);
        assertEquals(good, docs.stream().map(Document::text).toList());
        assertEquals(bad, s.malformedCount());
      }
    } finally {
      Files.deleteIfExists(f);
    }
  }
}
