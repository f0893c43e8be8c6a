package dev.telltale.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.forensics.corpus.CorpusInputException;
import dev.telltale.forensics.corpus.Document;
import dev.telltale.forensics.corpus.DocumentSource;
import dev.telltale.forensics.corpus.MalformedLine;
import dev.telltale.forensics.scan.BenjaminiHochberg;
import dev.telltale.forensics.scan.DocumentScorer;
import dev.telltale.forensics.scan.ScanResult;
import dev.telltale.forensics.scan.TupleTotals;
import dev.telltale.key.KeyId;
import dev.telltale.stats.TailProbability;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;
import scala.Tuple3;

/**
 * The corpus scan as a Spark job, with the same results as the single-machine {@link
 * dev.telltale.forensics.scan.CorpusScan}: documents are scored in {@code mapPartitions} by core's
 * {@link DocumentScorer}; the fingerprints each document scored first are shuffled by the pooled
 * partition (the fingerprint's low bits, as in the single-machine spill), sorted within it by
 * Spark's external sorter and totalled by core's {@link TupleTotals}, so the pooled test counts the
 * distinct tuples of the whole corpus exactly and adds Gumbel scores in the same order; the
 * Benjamini–Hochberg threshold is found by a distributed sort of the per-document p-values.
 */
public final class SparkCorpusScan {
  /** Input formats: text files and JSONL (as the single-machine scan reads them), or Parquet. */
  public enum Format {
    FILES,
    PARQUET
  }

  /** Output format of the per-document results. */
  public enum OutputFormat {
    JSONL,
    PARQUET
  }

  /**
   * How the job runs.
   *
   * @param format input format
   * @param textColumn Parquet column holding the text
   * @param idColumn Parquet column holding the document id (used when present)
   * @param fdr false discovery rate of the suspect list
   * @param maxListedSuspects at most this many suspect ids are listed
   */
  public record Options(
      Format format, String textColumn, String idColumn, double fdr, int maxListedSuspects) {
    public Options {
      if (!(fdr > 0 && fdr < 1)) {
        throw new IllegalArgumentException("fdr must be in (0, 1), got " + fdr);
      }
    }

    public static Options defaults() {
      return new Options(Format.FILES, "text", "id", 0.01, 10_000);
    }

    public Options withFormat(Format f) {
      return new Options(f, textColumn, idColumn, fdr, maxListedSuspects);
    }

    public Options withTextColumn(String c) {
      return new Options(format, c, idColumn, fdr, maxListedSuspects);
    }

    public Options withFdr(double f) {
      return new Options(format, textColumn, idColumn, f, maxListedSuspects);
    }
  }

  /** Where the per-document results go. */
  public record Output(String dir, OutputFormat format) {}

  private static final long TUPLES_PER_SORT_TASK = 1L << 21;
  private static final ObjectMapper LINE_READER = new ObjectMapper();

  private final SparkSession spark;
  private final ScanSpec spec;
  private final Options options;

  public SparkCorpusScan(SparkSession spark, ScanSpec spec, Options options) {
    this.spark = spark;
    this.spec = spec;
    this.options = options;
  }

  /**
   * Scans the corpus under {@code inputs}, writing per-document results to {@code output} when
   * given.
   *
   * @throws CorpusInputException on missing or unreadable input, a missing column, a JSONL record
   *     without the text field, or an empty corpus
   */
  public ScanResult run(List<String> inputs, Output output) {
    // Fail on the driver for what the driver can see: the key file and the inputs.
    DocumentScorer driverScorer = PartitionScorer.scorer(spec);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    JavaRDD<ScoredRow> scored;
    try {
      scored = score(jsc, inputs, driverScorer.keyCount()).persist(StorageLevel.DISK_ONLY());
      try {
        return summarize(scored, driverScorer, output);
      } finally {
        scored.unpersist(false);
      }
    } catch (Exception e) {
      // Spark throws its checked SparkException undeclared.
      throw TaskErrors.unwrap(e);
    } finally {
      jsc.setJobDescription(null);
    }
  }

  /**
   * Scored documents, malformed-line summaries and the packed runs of the pooled tuple set, one
   * pass over the input.
   */
  private JavaRDD<ScoredRow> score(JavaSparkContext jsc, List<String> inputs, int keys) {
    ScanSpec s = spec;
    int parts = spec.poolPartitions();
    int runTuples =
        (int) jsc.getConf().getLong(PooledRuns.RUN_TUPLES, PooledRuns.DEFAULT_RUN_TUPLES);
    if (options.format() == Format.FILES) {
      List<String> files = CorpusListing.list(inputs, jsc.hadoopConfiguration());
      if (files.isEmpty()) {
        throw new CorpusInputException("the corpus has no documents");
      }
      jsc.setJobDescription("split input");
      // The session's configuration (set at start or at run time), else the split size rule.
      long split = Long.parseLong(spark.conf().get(InputSplits.SPLIT_BYTES, "0"));
      List<List<InputSplits.Unit>> groups = InputSplits.plan(jsc, files, split);
      // One group per slice, in order: partition order is corpus order.
      return jsc.parallelize(groups, groups.size())
          .mapPartitions(
              it ->
                  PooledRuns.wrap(
                      PartitionScorer.files(s, new Flatten<>(it)), keys, parts, runTuples));
    }
    List<String> files = CorpusListing.list(inputs, jsc.hadoopConfiguration());
    if (files.isEmpty()) {
      throw new CorpusInputException("the corpus has no documents");
    }
    Dataset<Row> table = spark.read().parquet(files.toArray(String[]::new));
    StructType schema = table.schema();
    String text = options.textColumn();
    if (!Arrays.asList(schema.fieldNames()).contains(text)) {
      throw new CorpusInputException(
          "Parquet input has no column \""
              + text
              + "\" (see --column); columns: "
              + String.join(", ", schema.fieldNames()));
    }
    if (!schema.apply(text).dataType().equals(DataTypes.StringType)) {
      throw new CorpusInputException("Parquet column \"" + text + "\" is not a string column");
    }
    boolean hasId = Arrays.asList(schema.fieldNames()).contains(options.idColumn());
    Dataset<Row> docs =
        table.select(
            functions.monotonically_increasing_id().as("order"),
            hasId
                ? functions.col(options.idColumn()).cast(DataTypes.StringType).as("id")
                : functions.lit(null).cast(DataTypes.StringType).as("id"),
            functions.col(text).as("text"));
    return docs.javaRDD()
        .mapPartitions(
            it ->
                PooledRuns.wrap(
                    PartitionScorer.documents(s, new ParquetDocuments(it)),
                    keys,
                    parts,
                    runTuples));
  }

  /** The elements of a partition's lists, in order. */
  private static final class Flatten<T> implements Iterator<T> {
    private final Iterator<List<T>> lists;
    private Iterator<T> current = java.util.Collections.emptyIterator();

    Flatten(Iterator<List<T>> lists) {
      this.lists = lists;
    }

    @Override
    public boolean hasNext() {
      while (!current.hasNext() && lists.hasNext()) {
        current = lists.next().iterator();
      }
      return current.hasNext();
    }

    @Override
    public T next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      return current.next();
    }
  }

  /** Parquet rows as documents: ids from the id column, else {@code row:<order>}. */
  private static final class ParquetDocuments implements Iterator<Tuple2<Long, Document>> {
    private final Iterator<Row> rows;

    ParquetDocuments(Iterator<Row> rows) {
      this.rows = rows;
    }

    @Override
    public boolean hasNext() {
      return rows.hasNext();
    }

    @Override
    public Tuple2<Long, Document> next() {
      Row r = rows.next();
      long order = r.getLong(0);
      String id = r.isNullAt(1) ? "row:" + order : r.getString(1);
      String text = r.isNullAt(2) ? "" : r.getString(2);
      long bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      return new Tuple2<>(order, new Document(id, text, bytes));
    }
  }

  private ScanResult summarize(JavaRDD<ScoredRow> scored, DocumentScorer scorer, Output output) {
    int keys = scorer.keyCount();
    // The results without their fingerprints, kept apart: every pass below but the pooled one
    // reads these few bytes per document instead of deserializing the fingerprints again.
    JavaRDD<ScoredRow> light = scored.filter(r -> r.run == null).persist(StorageLevel.DISK_ONLY());
    try {
      return summarize(scored, light, scorer, output);
    } finally {
      light.unpersist(false);
    }
  }

  private ScanResult summarize(
      JavaRDD<ScoredRow> scored, JavaRDD<ScoredRow> light, DocumentScorer scorer, Output output) {
    int keys = scorer.keyCount();
    JavaRDD<ScoredRow> docs = light.filter(ScoredRow::isDocument);
    // One pass (the job that scores the corpus): every count, the p-value decades, the top
    // documents, the malformed-line summaries and, up to a bound, the p-values themselves.
    describe("score documents");
    List<Digest> digests = light.mapPartitions(it -> Digest.of(it, keys)).collect();
    long[] totals = new long[3 + keys];
    long[] decades = new long[ScanResult.DECADE_BINS];
    List<Tuple3<Double, Long, String>> candidates = new ArrayList<>();
    List<ScoredRow> malformedFiles = new ArrayList<>();
    boolean allP = true;
    for (Digest d : digests) {
      totals[0] += d.documents;
      totals[1] += d.tokens;
      totals[2] += d.bytes;
      for (int k = 0; k < keys; k++) {
        totals[3 + k] += d.positions[k];
      }
      for (int i = 0; i < decades.length; i++) {
        decades[i] += d.decades[i];
      }
      for (int i = 0; i < d.topP.length; i++) {
        candidates.add(new Tuple3<>(d.topP[i], d.topOrder[i], d.topLine[i]));
      }
      malformedFiles.addAll(d.malformed);
      allP &= d.log10p != null;
    }
    long documents = totals[0];
    if (documents == 0) {
      throw new CorpusInputException("the corpus has no documents");
    }
    allP &= documents <= MAX_DRIVER_PVALUES;
    if (output != null) {
      describe("write per-document results");
      write(docs, output);
    }
    describe("pooled test");
    List<ScanResult.PooledKey> pooled = pooled(scored, scorer, totals);
    double fdr = options.fdr();
    double threshold;
    long suspectCount = 0;
    if (allP) {
      // As on one machine: core's Benjamini–Hochberg over one double per document.
      double[] all = new double[(int) documents];
      int at = 0;
      for (Digest d : digests) {
        System.arraycopy(d.log10p, 0, all, at, d.log10p.length);
        at += d.log10p.length;
      }
      threshold = BenjaminiHochberg.threshold(all, all.length, fdr);
      for (double v : all) {
        if (v <= threshold) {
          suspectCount++;
        }
      }
    } else {
      describe("suspects (Benjamini-Hochberg)");
      threshold = bhThreshold(docs, documents, fdr);
      double t = threshold;
      suspectCount =
          threshold > Double.NEGATIVE_INFINITY ? docs.filter(r -> r.log10p <= t).count() : 0;
    }
    List<String> ids = List.of();
    if (suspectCount > 0 && options.maxListedSuspects() > 0) {
      describe("suspect ids");
      ids =
          docs
              .filter(r -> r.log10p <= threshold)
              .map(r -> new Tuple2<>(r.order, r.id))
              .takeOrdered(options.maxListedSuspects(), new ByOrder())
              .stream()
              .map(Tuple2::_2)
              .toList();
    }
    candidates.sort(new BySmallestP());
    List<ScanResult.DocumentP> top =
        candidates.stream()
            .limit(ScanResult.TOP_DOCUMENTS)
            .map(t -> topDocument(t._3(), t._1()))
            .toList();
    malformedFiles.sort(Comparator.comparingLong(r -> r.order));
    long malformedCount = 0;
    List<MalformedLine> malformed = new ArrayList<>();
    for (ScoredRow r : malformedFiles) {
      malformedCount += r.malformedCount;
      for (int i = 0; i < r.malformedLines.length; i++) {
        if (malformed.size() < DocumentSource.MAX_REMEMBERED_MALFORMED) {
          malformed.add(
              new MalformedLine(r.malformedSources[i], r.malformedLines[i], r.malformedReasons[i]));
        }
      }
    }
    return new ScanResult(
        documents,
        totals[1],
        totals[2],
        pooled,
        DocumentScorer.best(pooled),
        DocumentScorer.familyWise(pooled),
        fdr,
        suspectCount,
        ids,
        malformedCount,
        malformed,
        Path.of(output == null ? "" : output.dir()),
        Arrays.stream(decades).boxed().toList(),
        top);
  }

  /** Up to this many per-document p-values are brought to the driver (8 bytes each). */
  static final long MAX_DRIVER_PVALUES = 16L << 20;

  /**
   * What the driver needs of one partition's rows (a plain class: Spark's Kryo cannot rebuild
   * records): counts, decades, its best {@link ScanResult#TOP_DOCUMENTS} candidates, its files'
   * malformed-line summaries and its p-values in corpus order (null past the bound).
   */
  static final class Digest implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    long documents;
    long tokens;
    long bytes;
    long[] positions;
    long[] decades;
    double[] log10p;
    double[] topP;
    long[] topOrder;
    String[] topLine;
    ArrayList<ScoredRow> malformed = new ArrayList<>();

    Digest() {}

    static Iterator<Digest> of(Iterator<ScoredRow> rows, int keys) {
      Digest d = new Digest();
      d.positions = new long[keys];
      d.decades = new long[ScanResult.DECADE_BINS];
      double[] p = new double[1024];
      java.util.PriorityQueue<Tuple3<Double, Long, String>> top =
          new java.util.PriorityQueue<>(new BySmallestP().reversed());
      while (rows.hasNext()) {
        ScoredRow r = rows.next();
        if (r.malformedSummary) {
          d.malformed.add(r);
          continue;
        }
        if (r.run != null) {
          continue;
        }
        if (p != null) {
          if (d.documents == p.length) {
            p = d.documents < MAX_DRIVER_PVALUES ? Arrays.copyOf(p, p.length * 2) : null;
          }
          if (p != null) {
            p[(int) d.documents] = r.log10p;
          }
        }
        d.documents++;
        d.tokens += r.tokens;
        d.bytes += r.bytes;
        for (int k = 0; k < keys; k++) {
          d.positions[k] += r.positions[k];
        }
        d.decades[ScanResult.decade(r.log10p)]++;
        Tuple3<Double, Long, String> c = new Tuple3<>(r.log10p, r.order, r.line);
        if (top.size() < ScanResult.TOP_DOCUMENTS) {
          top.add(c);
        } else if (new BySmallestP().compare(c, top.peek()) < 0) {
          top.poll();
          top.add(c);
        }
      }
      d.log10p = p == null ? null : Arrays.copyOf(p, (int) d.documents);
      int n = top.size();
      d.topP = new double[n];
      d.topOrder = new long[n];
      d.topLine = new String[n];
      for (int i = n - 1; i >= 0; i--) {
        Tuple3<Double, Long, String> c = top.poll();
        d.topP[i] = c._1();
        d.topOrder[i] = c._2();
        d.topLine[i] = c._3();
      }
      return List.of(d).iterator();
    }
  }

  private static long[] decadeCount(double log10p) {
    long[] c = new long[ScanResult.DECADE_BINS];
    c[ScanResult.decade(log10p)] = 1;
    return c;
  }

  /** A top document read from its result line, as {@link CorpusScan} reads it. */
  private static ScanResult.DocumentP topDocument(String line, double log10p) {
    try {
      JsonNode node = LINE_READER.readTree(line);
      return new ScanResult.DocumentP(
          node.get("id").asText(),
          node.get("tokens").asLong(),
          node.get("scored").asLong(),
          TailProbability.ofLn(log10p * Math.log(10)),
          KeyId.of(node.get("key_id").asText()));
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable result line", e);
    }
  }

  /**
   * Smallest family-wise p first, ties in corpus order: the order {@link CorpusScan} picks its top
   * documents in.
   */
  private static final class BySmallestP
      implements Comparator<Tuple3<Double, Long, String>>, java.io.Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public int compare(Tuple3<Double, Long, String> a, Tuple3<Double, Long, String> b) {
      int c = Double.compare(a._1(), b._1());
      return c != 0 ? c : Long.compare(a._2(), b._2());
    }
  }

  /** Orders (order, id) pairs by corpus order. */
  private static final class ByOrder
      implements Comparator<Tuple2<Long, String>>, java.io.Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public int compare(Tuple2<Long, String> a, Tuple2<Long, String> b) {
      return Long.compare(a._1(), b._1());
    }
  }

  private static long[] counters(ScoredRow r, int keys) {
    long[] c = new long[3 + keys];
    c[0] = 1;
    c[1] = r.tokens;
    c[2] = r.bytes;
    for (int k = 0; k < keys; k++) {
      c[3 + k] = r.positions[k];
    }
    return c;
  }

  private static long[] add(long[] a, long[] b) {
    long[] c = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i] + b[i];
    }
    return c;
  }

  /**
   * The Benjamini–Hochberg threshold, exactly as on one machine but without collecting the
   * p-values: sorted by Spark, ranked, and the largest value whose rank meets the step-up bound.
   */
  private static double bhThreshold(JavaRDD<ScoredRow> docs, long m, double fdr) {
    JavaRDD<Double> met =
        docs.map(r -> r.log10p)
            .sortBy(v -> v, true, docs.getNumPartitions())
            .zipWithIndex()
            .filter(t -> BenjaminiHochberg.rejects(t._1(), t._2() + 1, m, fdr))
            .map(Tuple2::_1);
    return met.isEmpty() ? Double.NEGATIVE_INFINITY : met.max(new NaturalDouble());
  }

  private static final class NaturalDouble implements Comparator<Double>, java.io.Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public int compare(Double a, Double b) {
      return Double.compare(a, b);
    }
  }

  /**
   * The pooled test of every key: the packed runs are shuffled by slot (key and pooled partition),
   * sorted by slot, and each slot's runs merged and totalled by {@link PooledRuns#totals}; the
   * partition totals are then added in index order as the single-machine scan adds them.
   */
  private List<ScanResult.PooledKey> pooled(
      JavaRDD<ScoredRow> scored, DocumentScorer scorer, long[] totals) {
    int keys = scorer.keyCount();
    int parts = spec.poolPartitions();
    long positions = 0;
    for (int k = 0; k < keys; k++) {
      positions += totals[3 + k];
    }
    int slots = parts * keys;
    int width =
        (int)
            Math.max(
                1,
                Math.min(
                    slots,
                    Math.max(
                        spark.sparkContext().defaultParallelism(),
                        positions / TUPLES_PER_SORT_TASK + 1)));
    boolean[] green = new boolean[keys];
    long[] thresholds = new long[keys];
    // vLLM keys: their fingerprints carry the tuple's score (TupleTotals.forVllm), so their
    // totals are core's, built on the executor from the key file.
    boolean[] vllm = new boolean[keys];
    for (int k = 0; k < keys; k++) {
      green[k] = scorer.greenList(k);
      thresholds[k] = scorer.greenThreshold(k);
      vllm[k] = scorer.isVllm(k);
    }
    ScanSpec s = spec;
    List<PartTotal> partTotals =
        scored
            .filter(r -> r.run != null)
            .mapToPair(r -> new Tuple2<>(r.slot, r.run))
            .repartitionAndSortWithinPartitions(new SlotPartitioner(slots, width))
            .mapPartitions(it -> PooledRuns.totals(it, parts, green, thresholds, vllm, s))
            .collect();
    TupleTotals[][] byPart = new TupleTotals[keys][parts];
    for (PartTotal t : partTotals) {
      byPart[t.key][t.part] =
          TupleTotals.of(green[t.key], thresholds[t.key], t.distinct, t.green, t.sum);
    }
    List<ScanResult.PooledKey> pooled = new ArrayList<>();
    for (int k = 0; k < keys; k++) {
      TupleTotals sum = scorer.emptyTotals(k);
      for (int p = 0; p < parts; p++) {
        if (byPart[k][p] != null) {
          sum = sum.plus(byPart[k][p]);
        }
      }
      pooled.add(scorer.pooled(k, totals[3 + k], sum));
    }
    return pooled;
  }

  /** Contiguous ranges of slots per reduce partition. */
  static final class SlotPartitioner extends org.apache.spark.Partitioner {
    private static final long serialVersionUID = 1L;
    private final int slots;
    private final int width;

    SlotPartitioner(int slots, int width) {
      this.slots = slots;
      this.width = width;
    }

    @Override
    public int numPartitions() {
      return width;
    }

    @Override
    public int getPartition(Object key) {
      return (int) ((long) (Integer) key * width / slots);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof SlotPartitioner p && p.slots == slots && p.width == width;
    }

    @Override
    public int hashCode() {
      return slots * 31 + width;
    }
  }

  private void describe(String what) {
    spark.sparkContext().setJobDescription(what);
  }

  /**
   * Totals of one pooled partition of one key, computed on an executor (a plain class: Spark's Kryo
   * cannot rebuild records).
   */
  static final class PartTotal implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    int key;
    int part;
    long distinct;
    long green;
    double sum;

    PartTotal() {}

    PartTotal(int key, int part, TupleTotals t) {
      this.key = key;
      this.part = part;
      this.distinct = t.distinct();
      this.green = t.green();
      this.sum = t.sum();
    }
  }

  private static void write(JavaRDD<ScoredRow> docs, Output output) {
    if (output.format() == OutputFormat.JSONL) {
      // The single-machine scan's lines, byte for byte, in corpus order (part files in order).
      docs.map(r -> r.line).saveAsTextFile(output.dir());
      return;
    }
    StructType schema =
        new StructType()
            .add("id", DataTypes.StringType, false)
            .add("tokens", DataTypes.IntegerType, false)
            .add("scored", DataTypes.LongType, false)
            .add("statistic", DataTypes.DoubleType, false)
            .add("p_value", DataTypes.DoubleType, false)
            .add("log10_p_value", DataTypes.DoubleType, false)
            .add("key_id", DataTypes.StringType, false);
    JavaRDD<Row> rows =
        docs.map(
            r ->
                RowFactory.create(
                    r.id, r.tokens, r.scored, r.statistic, r.pValue, r.reportedLog10p, r.keyId));
    SparkSession.active().createDataFrame(rows, schema).write().parquet(output.dir());
  }

  static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }
}
