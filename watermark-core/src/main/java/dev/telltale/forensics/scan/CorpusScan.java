package dev.telltale.forensics.scan;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.forensics.corpus.CorpusInputException;
import dev.telltale.forensics.corpus.Document;
import dev.telltale.forensics.corpus.DocumentSource;
import dev.telltale.key.KeyId;
import dev.telltale.key.KeySet;
import dev.telltale.key.WatermarkKey;
import dev.telltale.stats.TailProbability;
import dev.telltale.text.Tokenizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Scans a corpus for a key set's watermark: a detection per document (each with its own dedup
 * tape), one exact pooled test per key over the distinct (window, token) tuples of the whole corpus
 * (valid when documents share n-grams, unlike Fisher's method over documents), and the suspect
 * documents by Benjamini–Hochberg.
 *
 * <p>Documents are read on the calling thread in batches and scored on {@code threads} workers;
 * results are written in corpus order, so the per-document file, the spill and every checkpoint are
 * the same whatever the scheduling. Heap holds one batch, the spill buffers and one double per
 * document; the pooled tuple set lives in a {@link TupleSpill} on disk. Every {@code
 * checkpointEvery} documents (and on cancel) the work folder gets a checkpoint, and a run on a work
 * folder with a checkpoint resumes from it with a result equal to an uninterrupted run.
 */
public final class CorpusScan {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFactory JSON_FACTORY = new JsonFactory();
  private static final String CHECKPOINT = "checkpoint.json";
  private static final String DOCUMENTS = "documents.jsonl";
  private static final String PVALUES = "log10p.bin";

  /**
   * How a scan runs.
   *
   * @param threads scoring threads (at least 1)
   * @param fdr false discovery rate of the suspect list, in (0, 1)
   * @param batchDocuments documents read and scored together
   * @param checkpointEvery write a checkpoint after about this many documents; 0 only on cancel
   * @param partitions spill partitions per key (a power of two): more keeps the final merge's heap
   *     smaller
   * @param maxListedSuspects at most this many suspect ids are listed (all are counted)
   */
  public record Options(
      int threads,
      double fdr,
      int batchDocuments,
      long checkpointEvery,
      int partitions,
      int maxListedSuspects) {
    public Options {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be at least 1, got " + threads);
      }
      if (!(fdr > 0 && fdr < 1)) {
        throw new IllegalArgumentException("fdr must be in (0, 1), got " + fdr);
      }
      if (batchDocuments < 1 || checkpointEvery < 0 || maxListedSuspects < 0) {
        throw new IllegalArgumentException("batch, checkpoint interval and listing limit");
      }
      if (partitions < 1 || partitions > 4096 || Integer.bitCount(partitions) != 1) {
        throw new IllegalArgumentException(
            "partitions must be a power of two in 1..4096, got " + partitions);
      }
    }

    public static Options defaults() {
      return new Options(
          Runtime.getRuntime().availableProcessors(), 0.01, 256, 10_000, 256, 10_000);
    }

    public Options withThreads(int t) {
      return new Options(t, fdr, batchDocuments, checkpointEvery, partitions, maxListedSuspects);
    }

    public Options withFdr(double f) {
      return new Options(
          threads, f, batchDocuments, checkpointEvery, partitions, maxListedSuspects);
    }

    public Options withBatchDocuments(int b) {
      return new Options(threads, fdr, b, checkpointEvery, partitions, maxListedSuspects);
    }

    public Options withCheckpointEvery(long c) {
      return new Options(threads, fdr, batchDocuments, c, partitions, maxListedSuspects);
    }

    public Options withPartitions(int p) {
      return new Options(threads, fdr, batchDocuments, checkpointEvery, p, maxListedSuspects);
    }
  }

  private final List<WatermarkKey> keys;
  private final DocumentScorer scorer;
  private final Tokenizer tokenizer;
  private final Options options;

  private CorpusScan(KeySet keySet, Tokenizer tokenizer, Options options) {
    this.keys = keySet.keys();
    this.tokenizer = tokenizer;
    this.options = options;
    this.scorer = DocumentScorer.of(keySet, tokenizer);
  }

  public static CorpusScan of(KeySet keys, Tokenizer tokenizer, Options options) {
    return new CorpusScan(keys, tokenizer, options);
  }

  /**
   * Scans {@code source}, keeping spill files, per-document results and checkpoints in {@code
   * workDir}; resumes when {@code workDir} holds a checkpoint of the same corpus (its {@link
   * DocumentSource#fingerprint}), keys, tokenizer and options, read from its start. A work folder
   * of another corpus or other options, or one holding unrecorded files, is refused.
   *
   * @throws CorpusInputException on unreadable input, when the corpus has no documents, or when
   *     {@code workDir} belongs to another scan
   * @throws ScanCancelledException when the listener asked to stop
   */
  public ScanResult run(DocumentSource source, Path workDir, ScanListener listener)
      throws IOException {
    Files.createDirectories(workDir);
    ScanWorkFolder.claim(workDir, source.fingerprint(), recordedOptions());
    ScanState st = new ScanState(keys.size(), configuration());
    Path checkpoint = workDir.resolve(CHECKPOINT);
    ExecutorService pool = Executors.newFixedThreadPool(options.threads(), CorpusScan::daemon);
    try (TupleSpill spill =
            new TupleSpill(workDir.resolve("spill"), keys.size(), options.partitions());
        FileChannel docs = open(workDir.resolve(DOCUMENTS));
        FileChannel pv = open(workDir.resolve(PVALUES))) {
      if (Files.exists(checkpoint)) {
        st.restore(checkpoint, spill, docs, pv);
        for (long i = 0; i < st.documents; i++) {
          if (source.next().isEmpty()) {
            throw new CorpusInputException(
                "the corpus has fewer documents than the checkpoint in " + workDir);
          }
        }
      } else {
        // A fresh start: work of a run that stopped before its first checkpoint is dropped.
        docs.truncate(0);
        pv.truncate(0);
        spill.truncate(new long[spill.slots()]);
      }
      long sinceCheckpoint = 0;
      List<Future<DocumentScorer.Scored>> pending = submit(pool, readBatch(source));
      while (!pending.isEmpty()) {
        // Read the next batch while the workers score this one.
        List<Document> next = readBatch(source);
        for (Future<DocumentScorer.Scored> f : pending) {
          write(join(f), st, spill, docs, pv);
        }
        sinceCheckpoint += pending.size();
        // Everything up to here is a prefix of the corpus in order: a consistent checkpoint.
        boolean cancel = listener.cancelRequested();
        boolean due = options.checkpointEvery() > 0 && sinceCheckpoint >= options.checkpointEvery();
        if (cancel || due) {
          st.save(checkpoint, spill, docs, pv, source.malformedCount());
          sinceCheckpoint = 0;
          if (cancel) {
            throw new ScanCancelledException(st.documents);
          }
        }
        listener.progress(
            new ScanListener.ScanProgress(
                st.documents, st.tokens, st.bytes, source.malformedCount()));
        pending = submit(pool, next);
      }
      if (st.documents == 0) {
        throw new CorpusInputException("the corpus has no documents");
      }
      spill.flushAll();
      docs.force(false);
      return finish(st, spill, pool, workDir.resolve(DOCUMENTS), source);
    } finally {
      pool.shutdownNow();
    }
  }

  private List<Document> readBatch(DocumentSource source) throws IOException {
    List<Document> batch = new ArrayList<>(options.batchDocuments());
    while (batch.size() < options.batchDocuments()) {
      Optional<Document> d = source.next();
      if (d.isEmpty()) {
        break;
      }
      batch.add(d.get());
    }
    return batch;
  }

  private List<Future<DocumentScorer.Scored>> submit(ExecutorService pool, List<Document> batch) {
    List<Future<DocumentScorer.Scored>> out = new ArrayList<>(batch.size());
    for (Document d : batch) {
      out.add(pool.submit(() -> scorer.score(d)));
    }
    return out;
  }

  private static DocumentScorer.Scored join(Future<DocumentScorer.Scored> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("scan interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IOException(e.getCause());
    }
  }

  private void write(
      DocumentScorer.Scored s, ScanState st, TupleSpill spill, FileChannel docs, FileChannel pv)
      throws IOException {
    double log10 = s.familyLog10();
    byte[] line = scorer.resultLine(s);
    ByteBuffer out = ByteBuffer.allocate(line.length + 1).put(line).put((byte) '\n').flip();
    writeFully(docs, out);
    ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(0, log10);
    writeFully(pv, b);
    st.log10p.add(log10);
    for (int i = 0; i < keys.size(); i++) {
      st.positions[i] += s.positions()[i];
      for (long u : s.fingerprints()[i]) {
        spill.add(i, u);
      }
    }
    st.documents++;
    st.tokens += s.tokens();
    st.bytes += s.doc().bytes();
  }

  private ScanResult finish(
      ScanState st, TupleSpill spill, ExecutorService pool, Path docsFile, DocumentSource source)
      throws IOException {
    int parts = spill.partitions();
    List<ScanResult.PooledKey> pooled = new ArrayList<>();
    for (int k = 0; k < keys.size(); k++) {
      List<Future<TupleTotals>> totals = new ArrayList<>(parts);
      for (int p = 0; p < parts; p++) {
        int key = k;
        int part = p;
        totals.add(
            pool.submit(
                () -> {
                  try {
                    return spill.total(key, part, scorer.emptyTotals(key));
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                }));
      }
      TupleTotals sum = scorer.emptyTotals(k);
      // Partition sums are added in index order: the pooled sum is the same in every run.
      for (Future<TupleTotals> f : totals) {
        try {
          sum = sum.plus(f.get());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("scan interrupted", e);
        } catch (ExecutionException e) {
          throw new IOException("merging the spill failed: " + e.getCause(), e.getCause());
        }
      }
      pooled.add(scorer.pooled(k, st.positions[k], sum));
    }
    ScanResult.PooledKey best = DocumentScorer.best(pooled);
    TailProbability family = DocumentScorer.familyWise(pooled);
    double threshold =
        BenjaminiHochberg.threshold(st.log10p.values(), st.log10p.size(), options.fdr());
    long[] decades = new long[ScanResult.DECADE_BINS];
    for (int i = 0; i < st.log10p.size(); i++) {
      decades[ScanResult.decade(st.log10p.get(i))]++;
    }
    int[] top = smallest(st.log10p, ScanResult.TOP_DOCUMENTS);
    ScanResult.DocumentP[] topDocs = new ScanResult.DocumentP[top.length];
    List<String> ids = new ArrayList<>();
    long count = 0;
    try (BufferedReader r = Files.newBufferedReader(docsFile, StandardCharsets.UTF_8)) {
      for (int i = 0; i < st.log10p.size(); i++) {
        String line = r.readLine();
        boolean suspect = st.log10p.get(i) <= threshold;
        int rank = indexOf(top, i);
        if (suspect) {
          count++;
        }
        if ((suspect && ids.size() < options.maxListedSuspects()) || rank >= 0) {
          JsonNode node = JSON.readTree(line);
          if (suspect && ids.size() < options.maxListedSuspects()) {
            ids.add(node.get("id").asText());
          }
          if (rank >= 0) {
            topDocs[rank] =
                new ScanResult.DocumentP(
                    node.get("id").asText(),
                    node.get("tokens").asLong(),
                    node.get("scored").asLong(),
                    TailProbability.ofLn(st.log10p.get(i) * Math.log(10)),
                    KeyId.of(node.get("key_id").asText()));
          }
        }
      }
    }
    List<Long> decadeList = new ArrayList<>();
    for (long d : decades) {
      decadeList.add(d);
    }
    return new ScanResult(
        st.documents,
        st.tokens,
        st.bytes,
        pooled,
        best,
        family,
        options.fdr(),
        count,
        ids,
        source.malformedCount(),
        source.malformed(),
        docsFile,
        decadeList,
        List.of(topDocs));
  }

  /** Indices of the {@code k} smallest values, smallest first (the first of equals first). */
  private static int[] smallest(ScanState.DoubleList values, int k) {
    int n = Math.min(k, values.size());
    int[] idx = new int[n];
    int filled = 0;
    for (int i = 0; i < values.size(); i++) {
      double v = values.get(i);
      if (filled == n && !(v < values.get(idx[n - 1]))) {
        continue;
      }
      int j = filled == n ? n - 1 : filled++;
      while (j > 0 && v < values.get(idx[j - 1])) {
        idx[j] = idx[j - 1];
        j--;
      }
      idx[j] = i;
    }
    return idx;
  }

  private static int indexOf(int[] a, int v) {
    for (int i = 0; i < a.length; i++) {
      if (a[i] == v) {
        return i;
      }
    }
    return -1;
  }

  private static FileChannel open(Path p) throws IOException {
    FileChannel c =
        FileChannel.open(
            p, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    c.position(c.size());
    return c;
  }

  private static void writeFully(FileChannel c, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      c.write(b);
    }
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "telltale-scan");
    t.setDaemon(true);
    return t;
  }

  /** The options that shape the result, as the work folder's manifest records them. */
  private java.util.Map<String, String> recordedOptions() {
    java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
    m.put("configuration", configuration());
    m.put("fdr", Double.toString(options.fdr()));
    m.put("max_listed_suspects", Integer.toString(options.maxListedSuspects()));
    return m;
  }

  private String configuration() {
    StringBuilder b = new StringBuilder(tokenizer.name());
    for (WatermarkKey k : keys) {
      b.append('|').append(k.id().value()).append(':').append(k.parameters());
    }
    return b.append("|partitions=").append(options.partitions()).toString();
  }
}
