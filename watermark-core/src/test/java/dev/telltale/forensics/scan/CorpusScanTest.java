package dev.telltale.forensics.scan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.TestKeys;
import dev.telltale.detect.ExactTape;
import dev.telltale.detect.ScoreAccumulator;
import dev.telltale.detect.TupleScorer;
import dev.telltale.forensics.corpus.CorpusInputException;
import dev.telltale.forensics.corpus.Document;
import dev.telltale.forensics.corpus.DocumentSource;
import dev.telltale.key.KeySet;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.text.TextNormalizer;
import dev.telltale.text.Tokenizer;
import dev.telltale.text.Tokenizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusScanTest {
  static final com.fasterxml.jackson.databind.ObjectMapper MAPPER =
      new com.fasterxml.jackson.databind.ObjectMapper();
  static final Tokenizer TOK = Tokenizers.cl100kBase();
  static final WatermarkKey KGW = TestKeys.key(41, GreenListParameters.defaults());
  static final WatermarkKey GUMBEL = TestKeys.key(42, GumbelParameters.defaults());
  static final KeySet KEYS = KeySet.of(KGW.id(), List.of(KGW, GUMBEL));
  static List<Document> corpus;

  @TempDir Path tmp;

  @BeforeAll
  static void build() {
    corpus = ScanCorpora.corpus(TOK, 300, 10, KGW, 5, 120);
  }

  static CorpusScan.Options options(int threads) {
    return CorpusScan.Options.defaults()
        .withThreads(threads)
        .withBatchDocuments(16)
        .withCheckpointEvery(40)
        .withPartitions(16);
  }

  ScanResult scan(List<Document> docs, int threads, String dir) throws IOException {
    return CorpusScan.of(KEYS, TOK, options(threads))
        .run(DocumentSource.of(docs), tmp.resolve(dir), ScanListener.NONE);
  }

  static void assertSameResult(ScanResult a, ScanResult b) {
    assertEquals(a.documents(), b.documents());
    assertEquals(a.tokens(), b.tokens());
    assertEquals(a.keys(), b.keys(), "pooled tests must be identical, bit for bit");
    assertEquals(a.pooled(), b.pooled());
    assertEquals(a.suspectCount(), b.suspectCount());
    assertEquals(a.suspectIds(), b.suspectIds());
  }

  @Test
  void findsTheWatermarkedDocumentsAndPoolsOverTheCorpus() throws IOException {
    ScanResult r = scan(corpus, 2, "a");
    assertEquals(300, r.documents());
    assertEquals(KGW.id(), r.best().keyId());
    assertTrue(r.pooled().log10PValue() < -10, "pooled " + r.pooled());
    // Every flagged document is a watermarked one (every 10th); most of those are found.
    for (String id : r.suspectIds()) {
      assertEquals(0, Integer.parseInt(id.substring(4)) % 10, id);
    }
    assertTrue(r.suspectCount() >= 20, "suspects " + r.suspectCount());
    assertEquals(300, Files.readAllLines(r.documentsFile()).size());
  }

  @Test
  void decadesAndTopDocumentsAreThoseOfThePerDocumentFile() throws IOException {
    ScanResult r = scan(corpus, 2, "a");
    long[] decades = new long[ScanResult.DECADE_BINS];
    List<double[]> byP = new ArrayList<>();
    List<String> lines = Files.readAllLines(r.documentsFile());
    for (int i = 0; i < lines.size(); i++) {
      double l = MAPPER.readTree(lines.get(i)).get("log10_p_value").asDouble();
      decades[ScanResult.decade(l)]++;
      byP.add(new double[] {l, i});
    }
    List<Long> expected = new ArrayList<>();
    for (long d : decades) {
      expected.add(d);
    }
    assertEquals(expected, r.pValueDecades());
    byP.sort((x, y) -> Double.compare(x[0], y[0]));
    assertEquals(ScanResult.TOP_DOCUMENTS, r.topDocuments().size());
    for (int i = 0; i < r.topDocuments().size(); i++) {
      ScanResult.DocumentP d = r.topDocuments().get(i);
      assertEquals(byP.get(i)[0], d.p().log10PValue(), 1e-9, "rank " + i);
      // The top documents are the watermarked ones (every 10th).
      assertEquals(0, Integer.parseInt(d.id().substring(4)) % 10, d.id());
    }
    assertEquals(0, ScanResult.decade(0.0));
    assertEquals(0, ScanResult.decade(-0.99));
    assertEquals(1, ScanResult.decade(-1.0));
    assertEquals(1, ScanResult.decade(-1.5));
    assertEquals(9, ScanResult.decade(-9.99));
    assertEquals(10, ScanResult.decade(-10.0));
    assertEquals(10, ScanResult.decade(-400));
  }

  @Test
  void pooledStatisticIsThatOfTheDistinctTuplesOfTheCorpus() throws IOException {
    ScanResult r = scan(corpus, 2, "a");
    ExactTape tape = new ExactTape(1 << 16);
    ScoreAccumulator acc = new ScoreAccumulator();
    TupleScorer scorer = TupleScorer.of(KGW);
    for (Document d : corpus) {
      int[] ids = TOK.encode(TextNormalizer.normalize(d.text()));
      scorer.score(ids, 0, ids.length, tape, acc, null);
    }
    ScanResult.PooledKey k = r.keys().get(0);
    assertEquals(acc.scored(), k.scoredTuples());
    assertEquals(acc.green(), (long) k.score());
    assertTrue(acc.duplicates() > 0, "the corpus must share tuples across documents");
  }

  @Test
  void pooledResultDoesNotDependOnOrderThreadsOrBatches() throws IOException {
    ScanResult a = scan(corpus, 1, "one");
    List<Document> shuffled = new ArrayList<>(corpus);
    Collections.shuffle(shuffled, new Random(3));
    ScanResult b =
        CorpusScan.of(KEYS, TOK, options(2).withBatchDocuments(7).withPartitions(64))
            .run(DocumentSource.of(shuffled), tmp.resolve("two"), ScanListener.NONE);
    assertEquals(a.keys().get(1).score(), b.keys().get(1).score(), 0.0, "gumbel sum, exactly");
    assertEquals(a.keys().get(0), b.keys().get(0));
  }

  @Test
  void resumeAfterCancelEqualsAnUninterruptedRun() throws IOException {
    ScanResult whole = scan(corpus, 2, "whole");
    Path dir = tmp.resolve("resumed");
    ScanListener cancelAt100 =
        new ScanListener() {
          long done;

          @Override
          public void progress(ScanProgress p) {
            done = p.documents();
          }

          @Override
          public boolean cancelRequested() {
            return done >= 100;
          }
        };
    ScanCancelledException e =
        assertThrows(
            ScanCancelledException.class,
            () ->
                CorpusScan.of(KEYS, TOK, options(2))
                    .run(DocumentSource.of(corpus), dir, cancelAt100));
    assertTrue(e.documentsDone() >= 100 && e.documentsDone() < 300);
    ScanResult resumed =
        CorpusScan.of(KEYS, TOK, options(2)).run(DocumentSource.of(corpus), dir, ScanListener.NONE);
    assertSameResult(whole, resumed);
    assertArrayEquals(
        Files.readAllBytes(whole.documentsFile()), Files.readAllBytes(resumed.documentsFile()));
  }

  @Test
  void resumeAfterACrashPastTheLastCheckpointEqualsAnUninterruptedRun() throws IOException {
    ScanResult whole = scan(corpus, 2, "whole");
    Path dir = tmp.resolve("crashed");
    // The crash comes after batches written beyond the checkpoint (every 40 documents, batches of
    // 16): the resume must drop them.
    ScanListener crash =
        new ScanListener() {
          @Override
          public void progress(ScanProgress p) {
            if (p.documents() >= 176) {
              throw new IllegalStateException("simulated crash");
            }
          }
        };
    assertThrows(
        IllegalStateException.class,
        () -> CorpusScan.of(KEYS, TOK, options(2)).run(DocumentSource.of(corpus), dir, crash));
    ScanResult resumed =
        CorpusScan.of(KEYS, TOK, options(1)).run(DocumentSource.of(corpus), dir, ScanListener.NONE);
    assertSameResult(whole, resumed);
    assertArrayEquals(
        Files.readAllBytes(whole.documentsFile()), Files.readAllBytes(resumed.documentsFile()));
  }

  @Test
  void aCheckpointOfOtherKeysIsRefused() throws IOException {
    Path dir = tmp.resolve("other");
    ScanListener cancel =
        new ScanListener() {
          @Override
          public boolean cancelRequested() {
            return true;
          }
        };
    assertThrows(
        ScanCancelledException.class,
        () -> CorpusScan.of(KEYS, TOK, options(1)).run(DocumentSource.of(corpus), dir, cancel));
    WatermarkKey other = TestKeys.key(99, GreenListParameters.defaults());
    KeySet otherKeys = KeySet.of(other.id(), List.of(other));
    assertThrows(
        CorpusInputException.class,
        () ->
            CorpusScan.of(otherKeys, TOK, options(1))
                .run(DocumentSource.of(corpus), dir, ScanListener.NONE));
  }

  @Test
  void anEmptyCorpusIsAnError() {
    CorpusInputException e =
        assertThrows(
            CorpusInputException.class,
            () ->
                CorpusScan.of(KEYS, TOK, options(1))
                    .run(DocumentSource.of(List.of()), tmp.resolve("e"), ScanListener.NONE));
    assertTrue(e.getMessage().contains("no documents"));
  }
}
