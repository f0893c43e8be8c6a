package dev.telltale.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.TestKeys;
import dev.telltale.forensics.corpus.CorpusInputException;
import dev.telltale.forensics.corpus.Document;
import dev.telltale.forensics.corpus.DocumentSource;
import dev.telltale.forensics.scan.CorpusScan;
import dev.telltale.forensics.scan.ScanJson;
import dev.telltale.forensics.scan.ScanListener;
import dev.telltale.forensics.scan.ScanResult;
import dev.telltale.key.KeySet;
import dev.telltale.key.KeySetFile;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.text.Tokenizer;
import dev.telltale.text.Tokenizers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark job against the single-machine scan on the same generated corpus: the summary JSON and
 * every per-document line must be equal, for JSONL, text files and Parquet, with a green-list and a
 * Gumbel key. One local[2] session for the class.
 */
class SparkCorpusScanTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Tokenizer TOK = Tokenizers.cl100kBase();
  static final WatermarkKey KGW = TestKeys.key(41, GreenListParameters.defaults());
  static final WatermarkKey GUMBEL = TestKeys.key(42, GumbelParameters.defaults());

  @TempDir static Path dir;
  static SparkSession spark;
  static List<Document> docs;
  static Path keyFile;
  static Path jsonlDir;

  @BeforeAll
  static void start() throws Exception {
    spark = TestSessions.local(2);
    docs = Corpora.documents(TOK, 90, 3, KGW, 7, 80);
    // Three JSONL files, so partitions hold several files and files span the corpus order.
    jsonlDir = dir.resolve("jsonl");
    Corpora.jsonl(jsonlDir.resolve("a.jsonl"), docs.subList(0, 30));
    Corpora.jsonl(jsonlDir.resolve("b.jsonl"), docs.subList(30, 55));
    Corpora.jsonl(jsonlDir.resolve("c/d.jsonl"), docs.subList(55, 90));
    keyFile = dir.resolve("keys.json");
    KeySetFile.write(keyFile, KeySet.of(KGW.id(), List.of(KGW, GUMBEL)), false);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static ScanSpec spec() {
    return new ScanSpec(keyFile.toString(), TOK.name(), "text", 256);
  }

  record Local(ScanResult result, List<String> lines) {}

  static Local local(List<Path> paths, Path work) throws Exception {
    KeySet keys = KeySetFile.read(keyFile);
    try (DocumentSource src = DocumentSource.files(paths, "text")) {
      ScanResult r =
          CorpusScan.of(keys, TOK, CorpusScan.Options.defaults().withThreads(2))
              .run(src, work, new ScanListener() {});
      return new Local(r, Files.readAllLines(r.documentsFile()));
    }
  }

  static List<String> partLines(Path out) throws IOException {
    List<String> lines = new ArrayList<>();
    try (Stream<Path> s = Files.list(out)) {
      for (Path p :
          s.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().toList()) {
        lines.addAll(Files.readAllLines(p, StandardCharsets.UTF_8));
      }
    }
    return lines;
  }

  static ScanResult spark(
      List<String> inputs, SparkCorpusScan.Options o, Path out, SparkCorpusScan.OutputFormat f) {
    return new SparkCorpusScan(spark, spec(), o)
        .run(inputs, out == null ? null : new SparkCorpusScan.Output(out.toString(), f));
  }

  @Test
  void jsonlEqualsTheSingleMachineScanDocumentByDocument() throws Exception {
    Local ref = local(List.of(jsonlDir), dir.resolve("work-jsonl"));
    Path out = dir.resolve("out-jsonl");
    ScanResult r =
        spark(
            List.of(jsonlDir.toString()),
            SparkCorpusScan.Options.defaults(),
            out,
            SparkCorpusScan.OutputFormat.JSONL);
    assertEquals(ScanJson.of(ref.result()), ScanJson.of(r));
    assertEquals(ref.lines(), partLines(out));
    // The corpus is watermarked: the pooled test and the suspect list are not empty statements.
    assertTrue(r.pooled().log10PValue() < -10, "pooled log10 p " + r.pooled().log10PValue());
    assertTrue(r.suspectCount() >= 20, "suspects " + r.suspectCount());
    // Both schemes pooled exactly: same distinct tuples, green count and Gumbel sum.
    for (int k = 0; k < 2; k++) {
      assertEquals(ref.result().keys().get(k), r.keys().get(k));
    }
  }

  @Test
  void aJsonlFileReadInLineAlignedSplitsEqualsTheSingleMachineScan() throws Exception {
    // Records without ids (their ids are file:line), blank lines, \r\n line ends and a malformed
    // line: every split must number its lines as the whole file does.
    Path in = dir.resolve("split/one.jsonl");
    Files.createDirectories(in.getParent());
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < docs.size(); i++) {
      if (i == 40) {
        b.append("{not json\r\n");
      }
      if (i % 7 == 0) {
        b.append('\n');
      }
      ObjectNode o = JSON.createObjectNode();
      o.put("text", docs.get(i).text());
      b.append(o).append(i % 3 == 0 ? "\r\n" : "\n");
    }
    Files.writeString(in, b);
    Local ref = local(List.of(in), dir.resolve("work-split"));
    spark.conf().set(InputSplits.SPLIT_BYTES, "4096");
    try {
      org.apache.spark.api.java.JavaSparkContext jsc =
          org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext());
      int tasks = InputSplits.plan(jsc, List.of(in.toString()), 4096).size();
      assertTrue(tasks >= 8, "tasks " + tasks);
      Path out = dir.resolve("out-split");
      ScanResult r =
          spark(
              List.of(in.toString()),
              SparkCorpusScan.Options.defaults(),
              out,
              SparkCorpusScan.OutputFormat.JSONL);
      assertEquals(1, r.malformedCount());
      assertEquals(ScanJson.of(ref.result()), ScanJson.of(r));
      assertEquals(ref.lines(), partLines(out));
    } finally {
      spark.conf().unset(InputSplits.SPLIT_BYTES);
    }
  }

  @Test
  void aKeySetShippedWithSparkFilesIsReadFromAnOwnerOnlyCopy() throws Exception {
    // spark-submit --files / spark.files: the tasks find the key set by its file name among the
    // shipped files, a copy Spark writes group- and world-readable.
    Path shipped = Files.createDirectories(dir.resolve("ship")).resolve("shipped-keys.json");
    KeySetFile.write(shipped, KeySetFile.read(keyFile), false);
    spark.sparkContext().addFile(shipped.toString());
    Path copy = Path.of(org.apache.spark.SparkFiles.get("shipped-keys.json"));
    assertTrue(Files.isRegularFile(copy), copy.toString());
    ScanResult r =
        new SparkCorpusScan(
                spark,
                new ScanSpec("shipped-keys.json", TOK.name(), "text", 256),
                SparkCorpusScan.Options.defaults())
            .run(List.of(jsonlDir.toString()), null);
    Local ref = local(List.of(jsonlDir), dir.resolve("work-shipped"));
    assertEquals(ScanJson.of(ref.result()), ScanJson.of(r));
    assertEquals(
        "rw-------",
        java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(copy)));
  }

  @Test
  void textFilesEqualTheSingleMachineScan() throws Exception {
    Path text = Corpora.textFiles(dir.resolve("text"), docs.subList(0, 40));
    Local ref = local(List.of(text), dir.resolve("work-text"));
    Path out = dir.resolve("out-text");
    ScanResult r =
        spark(
            List.of(text.toString()),
            SparkCorpusScan.Options.defaults(),
            out,
            SparkCorpusScan.OutputFormat.JSONL);
    assertEquals(ScanJson.of(ref.result()), ScanJson.of(r));
    assertEquals(ref.lines(), partLines(out));
  }

  @Test
  void parquetInAndOutEqualTheSingleMachineScan() throws Exception {
    Path parquet = dir.resolve("in.parquet");
    List<Row> rows = new ArrayList<>();
    for (Document d : docs) {
      rows.add(org.apache.spark.sql.RowFactory.create(d.id(), d.text()));
    }
    spark
        .createDataFrame(
            rows,
            new org.apache.spark.sql.types.StructType()
                .add("doc_id", "string")
                .add("body", "string"))
        .coalesce(1)
        .write()
        .parquet(parquet.toString());
    Local ref = local(List.of(jsonlDir), dir.resolve("work-parquet"));
    Path out = dir.resolve("out-parquet");
    SparkCorpusScan.Options o =
        new SparkCorpusScan.Options(SparkCorpusScan.Format.PARQUET, "body", "doc_id", 0.01, 10_000);
    ScanResult r = spark(List.of(parquet.toString()), o, out, SparkCorpusScan.OutputFormat.PARQUET);
    ObjectNode expected = ScanJson.of(ref.result());
    ObjectNode actual = ScanJson.of(r);
    // Parquet has no source lines: bytes count the text's UTF-8 bytes, JSONL the lines.
    expected.remove("bytes");
    actual.remove("bytes");
    assertEquals(expected, actual);
    Map<String, JsonNode> byId = new HashMap<>();
    for (String l : ref.lines()) {
      JsonNode n = JSON.readTree(l);
      byId.put(n.get("id").asText(), n);
    }
    Dataset<Row> written = spark.read().parquet(out.toString());
    assertEquals(docs.size(), written.count());
    for (Row w : written.collectAsList()) {
      JsonNode n = byId.get(w.getAs("id").toString());
      assertEquals(n.get("p_value").asDouble(), (double) w.getAs("p_value"));
      assertEquals(n.get("log10_p_value").asDouble(), (double) w.getAs("log10_p_value"));
      assertEquals(n.get("scored").asLong(), (long) w.getAs("scored"));
      assertEquals(n.get("key_id").asText(), w.getAs("key_id").toString());
    }
  }

  @Test
  void malformedLinesAreSkippedAndCountedAsOnOneMachine() throws Exception {
    Path in = dir.resolve("malformed");
    Corpora.jsonl(in.resolve("a.jsonl"), docs.subList(0, 10));
    Files.writeString(
        in.resolve("a.jsonl"), "{not json\n[1, 2]\n", java.nio.file.StandardOpenOption.APPEND);
    Corpora.jsonl(in.resolve("b.jsonl"), docs.subList(10, 12));
    Local ref = local(List.of(in), dir.resolve("work-malformed"));
    ScanResult r = spark(List.of(in.toString()), SparkCorpusScan.Options.defaults(), null, null);
    assertEquals(2, r.malformedCount());
    assertEquals(ScanJson.of(ref.result()), ScanJson.of(r));
  }

  @Test
  void badInputGivesAClearError() throws Exception {
    SparkCorpusScan.Options o = SparkCorpusScan.Options.defaults();
    CorpusInputException missing =
        assertThrows(
            CorpusInputException.class,
            () -> spark(List.of(dir.resolve("nope.jsonl").toString()), o, null, null));
    assertTrue(missing.getMessage().contains("nope.jsonl"), missing.getMessage());

    // A record without the text field is found on an executor and reported with its line.
    Path noField = dir.resolve("nofield/x.jsonl");
    Files.createDirectories(noField.getParent());
    Files.writeString(
        noField, "{\"id\":\"a\",\"text\":\"hello there\"}\n{\"id\":\"b\",\"body\":\"x\"}\n");
    CorpusInputException field =
        assertThrows(
            CorpusInputException.class, () -> spark(List.of(noField.toString()), o, null, null));
    assertTrue(field.getMessage().contains("line 2"), field.getMessage());
    assertTrue(field.getMessage().contains("no field \"text\""), field.getMessage());

    Path parquet = dir.resolve("small.parquet");
    spark.createDataset(List.of("a b c"), Encoders.STRING()).write().parquet(parquet.toString());
    CorpusInputException column =
        assertThrows(
            CorpusInputException.class,
            () ->
                spark(
                    List.of(parquet.toString()),
                    o.withFormat(SparkCorpusScan.Format.PARQUET).withTextColumn("text"),
                    null,
                    null));
    assertTrue(column.getMessage().contains("no column \"text\""), column.getMessage());
  }
}
