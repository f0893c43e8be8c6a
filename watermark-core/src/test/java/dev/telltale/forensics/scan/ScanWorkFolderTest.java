package dev.telltale.forensics.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.TestKeys;
import dev.telltale.forensics.corpus.CorpusInputException;
import dev.telltale.forensics.corpus.Document;
import dev.telltale.forensics.corpus.DocumentSource;
import dev.telltale.key.KeySet;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.text.Tokenizer;
import dev.telltale.text.Tokenizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scan's work folder belongs to one corpus and one set of options: reusing it for another corpus
 * used to pool the old spill into the new test (or "resume" the wrong scan at the old checkpoint's
 * document count); now it is refused, and the same corpus with the same options still resumes.
 */
class ScanWorkFolderTest {
  static final Tokenizer TOK = Tokenizers.cl100kBase();
  static final WatermarkKey KEY = TestKeys.key(61, GreenListParameters.defaults());
  static final KeySet KEYS = KeySet.of(KEY.id(), List.of(KEY));

  @TempDir Path tmp;

  static CorpusScan.Options options() {
    return CorpusScan.Options.defaults()
        .withThreads(1)
        .withBatchDocuments(8)
        .withCheckpointEvery(8)
        .withPartitions(4);
  }

  /** A JSONL corpus of {@code n} documents, every third one watermarked. */
  Path corpus(String name, int n, long seed) throws IOException {
    List<Document> docs = ScanCorpora.corpus(TOK, n, 3, KEY, seed, 60);
    StringBuilder b = new StringBuilder();
    for (Document d : docs) {
      b.append("{\"text\":\"").append(d.text()).append("\"}\n");
    }
    Path f = tmp.resolve(name);
    Files.writeString(f, b);
    return f;
  }

  ScanResult scan(Path file, Path work, CorpusScan.Options o) throws IOException {
    try (DocumentSource s = DocumentSource.files(List.of(file), "text")) {
      return CorpusScan.of(KEYS, TOK, o).run(s, work, ScanListener.NONE);
    }
  }

  @Test
  void aWorkFolderOfAnotherCorpusIsRefused() throws IOException {
    Path a = corpus("a.jsonl", 40, 1);
    Path b = corpus("b.jsonl", 50, 2);
    Path work = tmp.resolve("work");
    ScanResult first = scan(a, work, options());
    assertEquals(40, first.documents());
    CorpusInputException e =
        assertThrows(CorpusInputException.class, () -> scan(b, work, options()));
    assertTrue(e.getMessage().contains("another corpus"), e.getMessage());
    // the same file name with other contents (same size and time would still differ in content)
    FileTime t = Files.getLastModifiedTime(a);
    Files.writeString(a, Files.readString(a).replace('a', 'e'));
    Files.setLastModifiedTime(a, t);
    assertThrows(CorpusInputException.class, () -> scan(a, work, options()));
  }

  @Test
  void aWorkFolderOfOtherOptionsIsRefused() throws IOException {
    Path a = corpus("a.jsonl", 40, 1);
    Path work = tmp.resolve("work");
    scan(a, work, options());
    CorpusInputException fdr =
        assertThrows(CorpusInputException.class, () -> scan(a, work, options().withFdr(0.05)));
    assertTrue(fdr.getMessage().contains("other options"), fdr.getMessage());
    assertThrows(CorpusInputException.class, () -> scan(a, work, options().withPartitions(8)));
  }

  @Test
  void theSameCorpusAndOptionsResumeToTheSameResult() throws IOException {
    Path a = corpus("a.jsonl", 40, 1);
    ScanResult fresh = scan(a, tmp.resolve("fresh"), options());
    Path work = tmp.resolve("work");
    ScanListener cancel =
        new ScanListener() {
          @Override
          public boolean cancelRequested() {
            return true;
          }
        };
    try (DocumentSource s = DocumentSource.files(List.of(a), "text")) {
      assertThrows(
          ScanCancelledException.class,
          () -> CorpusScan.of(KEYS, TOK, options()).run(s, work, cancel));
    }
    ScanResult resumed = scan(a, work, options());
    assertEquals(fresh.documents(), resumed.documents());
    assertEquals(fresh.pooled(), resumed.pooled());
    assertEquals(fresh.suspectIds(), resumed.suspectIds());
  }

  @Test
  void aNonEmptyFolderThatRecordsNoScanIsRefused() throws IOException {
    Path a = corpus("a.jsonl", 20, 1);
    Path work = Files.createDirectories(tmp.resolve("work"));
    Files.createDirectories(work.resolve("spill"));
    Files.write(work.resolve("spill").resolve("k000-p0000.bin"), new byte[64]);
    assertThrows(CorpusInputException.class, () -> scan(a, work, options()));
  }
}
