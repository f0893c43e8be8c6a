package dev.telltale.forensics;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.collect.LongOpenHashSet;
import dev.telltale.detect.DedupTape;
import dev.telltale.detect.DetectionPolicy;
import dev.telltale.detect.Detector;
import dev.telltale.detect.ScoreAccumulator;
import dev.telltale.key.KeyId;
import dev.telltale.key.KeySet;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.stats.TailProbability;
import dev.telltale.text.TextNormalizer;
import dev.telltale.text.Tokenizer;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
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
import java.util.Arrays;
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
  private final List<Detector> detectors;
  private final Tokenizer tokenizer;
  private final Options options;

  private CorpusScan(KeySet keySet, Tokenizer tokenizer, Options options) {
    this.keys = keySet.keys();
    this.tokenizer = tokenizer;
    this.options = options;
    List<Detector> d = new ArrayList<>();
    for (WatermarkKey k : keys) {
      d.add(Detector.of(k, tokenizer, DetectionPolicy.defaults()));
    }
    this.detectors = List.copyOf(d);
  }

  public static CorpusScan of(KeySet keys, Tokenizer tokenizer, Options options) {
    return new CorpusScan(keys, tokenizer, options);
  }

  /** One document's scores, computed on a worker. */
  private record Scored(
      Document doc,
      int tokens,
      long[] positions,
      long[] scored,
      double[] score,
      double[] log10p,
      long[][] fingerprints) {}

  /**
   * Scans {@code source}, keeping spill files, per-document results and checkpoints in {@code
   * workDir}; resumes when {@code workDir} holds a checkpoint of the same keys and tokenizer (the
   * source must then be the same corpus, read from its start).
   *
   * @throws CorpusInputException on unreadable input, or when the corpus has no documents
   * @throws ScanCancelledException when the listener asked to stop
   */
  public ScanResult run(DocumentSource source, Path workDir, ScanListener listener)
      throws IOException {
    Files.createDirectories(workDir);
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
        docs.truncate(0);
        pv.truncate(0);
      }
      long sinceCheckpoint = 0;
      List<Future<Scored>> pending = submit(pool, readBatch(source));
      while (!pending.isEmpty()) {
        // Read the next batch while the workers score this one.
        List<Document> next = readBatch(source);
        for (Future<Scored> f : pending) {
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

  private List<Future<Scored>> submit(ExecutorService pool, List<Document> batch) {
    List<Future<Scored>> out = new ArrayList<>(batch.size());
    for (Document d : batch) {
      out.add(pool.submit(() -> score(d)));
    }
    return out;
  }

  private static Scored join(Future<Scored> f) throws IOException {
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

  /** Per-document detection for every key, remembering the fingerprints each key scored. */
  private Scored score(Document doc) {
    int[] ids = tokenizer.encode(TextNormalizer.normalize(doc.text()));
    int k = detectors.size();
    long[] positions = new long[k];
    long[] scored = new long[k];
    double[] score = new double[k];
    double[] log10p = new double[k];
    long[][] fps = new long[k][];
    ScoreAccumulator acc = new ScoreAccumulator();
    for (int i = 0; i < k; i++) {
      Detector d = detectors.get(i);
      RecordingTape tape = new RecordingTape(ids.length);
      acc.reset();
      d.scorer().score(ids, 0, ids.length, tape, acc, null);
      positions[i] = acc.positions();
      scored[i] = acc.scored();
      score[i] = greenList(i) ? acc.green() : acc.sum();
      log10p[i] = d.tail(scored[i], score[i]).log10PValue();
      fps[i] = tape.recorded();
    }
    return new Scored(doc, ids.length, positions, scored, score, log10p, fps);
  }

  private boolean greenList(int key) {
    return keys.get(key).parameters() instanceof GreenListParameters;
  }

  private void write(Scored s, ScanState st, TupleSpill spill, FileChannel docs, FileChannel pv)
      throws IOException {
    int best = 0;
    for (int i = 1; i < s.log10p.length; i++) {
      if (s.log10p[i] < s.log10p[best]) {
        best = i;
      }
    }
    // Holm's smallest adjusted p over the keys: the family-wise p of the document.
    double log10 = Math.min(0.0, s.log10p[best] + Math.log10(keys.size()));
    TailProbability p = TailProbability.ofLn(log10 * Math.log(10));
    ByteArrayOutputStream line = new ByteArrayOutputStream(160);
    try (JsonGenerator g = JSON_FACTORY.createGenerator(line, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeStringField("id", s.doc.id());
      g.writeNumberField("tokens", s.tokens);
      g.writeNumberField("scored", s.scored[best]);
      g.writeNumberField("statistic", s.score[best]);
      g.writeNumberField("p_value", p.pValue());
      g.writeNumberField("log10_p_value", p.log10PValue());
      g.writeStringField("key_id", keys.get(best).id().value());
      g.writeEndObject();
    }
    line.write('\n');
    writeFully(docs, ByteBuffer.wrap(line.toByteArray()));
    ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(0, log10);
    writeFully(pv, b);
    st.log10p.add(log10);
    for (int i = 0; i < keys.size(); i++) {
      st.positions[i] += s.positions[i];
      for (long u : s.fingerprints[i]) {
        spill.add(i, u);
      }
    }
    st.documents++;
    st.tokens += s.tokens;
    st.bytes += s.doc.bytes();
  }

  private ScanResult finish(
      ScanState st, TupleSpill spill, ExecutorService pool, Path docsFile, DocumentSource source)
      throws IOException {
    int parts = spill.partitions();
    List<ScanResult.PooledKey> pooled = new ArrayList<>();
    for (int k = 0; k < keys.size(); k++) {
      boolean green = greenList(k);
      long threshold =
          green ? ((GreenListParameters) keys.get(k).parameters()).greenThreshold() : 0;
      List<Future<TupleSpill.PartitionTotal>> totals = new ArrayList<>(parts);
      for (int p = 0; p < parts; p++) {
        int key = k;
        int part = p;
        totals.add(
            pool.submit(
                () -> {
                  try {
                    return spill.total(key, part, green, threshold);
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                }));
      }
      long n = 0;
      long g = 0;
      double sum = 0;
      // Partition sums are added in index order: the pooled sum is the same in every run.
      for (Future<TupleSpill.PartitionTotal> f : totals) {
        TupleSpill.PartitionTotal t;
        try {
          t = f.get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("scan interrupted", e);
        } catch (ExecutionException e) {
          throw new IOException("merging the spill failed: " + e.getCause(), e.getCause());
        }
        n += t.distinct();
        g += t.green();
        sum += t.sum();
      }
      double score = green ? g : sum;
      double gamma = green ? ((GreenListParameters) keys.get(k).parameters()).effectiveGamma() : 1;
      pooled.add(
          new ScanResult.PooledKey(
              keys.get(k).id(),
              keys.get(k).parameters().schemeName(),
              st.positions[k],
              n,
              score,
              n * gamma,
              detectors.get(k).tail(n, score)));
    }
    ScanResult.PooledKey best = pooled.get(0);
    for (ScanResult.PooledKey p : pooled) {
      if (p.p().log10PValue() < best.p().log10PValue()) {
        best = p;
      }
    }
    double log10 = Math.min(0.0, best.p().log10PValue() + Math.log10(keys.size()));
    TailProbability family = TailProbability.ofLn(log10 * Math.log(10));
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

  /** Records the fingerprints a document's own tape saw first: what the pooled set receives. */
  private static final class RecordingTape implements DedupTape {
    private final LongOpenHashSet seen;
    private long[] recorded;
    private int size;

    RecordingTape(int expected) {
      seen = new LongOpenHashSet(Math.max(16, expected));
      recorded = new long[Math.max(16, expected)];
    }

    @Override
    public boolean firstSeen(long fingerprint) {
      if (!seen.add(fingerprint)) {
        return false;
      }
      if (size == recorded.length) {
        recorded = Arrays.copyOf(recorded, size * 2);
      }
      recorded[size++] = fingerprint;
      return true;
    }

    @Override
    public void clear() {
      seen.clear();
      size = 0;
    }

    long[] recorded() {
      return Arrays.copyOf(recorded, size);
    }
  }

  private String configuration() {
    StringBuilder b = new StringBuilder(tokenizer.name());
    for (WatermarkKey k : keys) {
      b.append('|').append(k.id().value()).append(':').append(k.parameters());
    }
    return b.append("|partitions=").append(options.partitions()).toString();
  }
}
