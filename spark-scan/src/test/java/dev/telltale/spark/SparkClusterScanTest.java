package dev.telltale.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.TestKeys;
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
import dev.telltale.scheme.PayloadParameters;
import dev.telltale.text.Tokenizer;
import dev.telltale.text.Tokenizers;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scan on a real Spark standalone cluster (a master and two workers, separate JVMs on
 * 127.0.0.1, see {@link StandaloneCluster}) against the single-machine scan: submitted as {@code
 * spark-submit} submits it, from the packaged layout, and as {@code telltale scan --engine spark
 * --master spark://…} runs it, once while a worker is killed. Summary (pooled tests of a KGW, a
 * Gumbel and a payload key, suspects) and every per-document line must be equal. A large JSONL file
 * is read in line-aligned splits by many tasks, beside a gzip file and a text file.
 */
@Tag("large")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkClusterScanTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Tokenizer TOK = Tokenizers.cl100kBase();
  static final WatermarkKey KGW = TestKeys.key(41, GreenListParameters.defaults());
  static final WatermarkKey GUMBEL = TestKeys.key(42, GumbelParameters.defaults());
  static final WatermarkKey PAYLOAD =
      TestKeys.key(43, GreenListParameters.defaults().withPayload(PayloadParameters.ofBits(24)));
  static final String SPLIT = "49152";

  @TempDir static Path dir;
  static StandaloneCluster cluster;
  static Path keyFile;
  static Path corpus;
  static JsonNode expected;
  static List<String> expectedLines;

  @BeforeAll
  static void start() throws Exception {
    List<Document> docs = Corpora.documents(TOK, 800, 3, KGW, 17, 120);
    corpus = dir.resolve("corpus");
    Path big = Corpora.jsonl(corpus.resolve("a-big.jsonl"), docs.subList(0, 680));
    // A malformed line in the middle of the split file: reported with its whole-file number.
    List<String> lines = new ArrayList<>(Files.readAllLines(big));
    lines.add(300, "{not json");
    Files.write(big, lines);
    Path gz = Corpora.jsonl(dir.resolve("b.jsonl"), docs.subList(680, 780));
    try (OutputStream o =
        new GZIPOutputStream(Files.newOutputStream(corpus.resolve("b.jsonl.gz")))) {
      Files.copy(gz, o);
    }
    Corpora.textFiles(corpus.resolve("c-text"), docs.subList(780, 800));
    assertTrue(Files.size(big) > 6 * Long.parseLong(SPLIT), "the big file spans many splits");
    keyFile = dir.resolve("keys.json");
    KeySetFile.write(keyFile, KeySet.of(KGW.id(), List.of(KGW, GUMBEL, PAYLOAD)), false);
    ScanResult r;
    try (DocumentSource src = DocumentSource.files(List.of(corpus), "text")) {
      r =
          CorpusScan.of(KeySetFile.read(keyFile), TOK, CorpusScan.Options.defaults().withThreads(2))
              .run(src, dir.resolve("work"), new ScanListener() {});
    }
    expected = JSON.readTree(ScanJson.of(r).toString());
    expectedLines = Files.readAllLines(r.documentsFile());
    assertEquals(1, r.malformedCount());
    assertTrue(r.pooled().log10PValue() < -10, "the corpus is watermarked");
    assertTrue(r.suspectCount() > 50, "suspects " + r.suspectCount());
    cluster = StandaloneCluster.start(dir.resolve("cluster"), 2);
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  static List<String> conf() {
    String opts = String.join(" ", cluster.java().subList(1, cluster.java().size()));
    List<String> c = new ArrayList<>();
    for (String kv :
        List.of(
            "spark.executor.memory=512m",
            "spark.driver.host=127.0.0.1",
            "spark.driver.bindAddress=127.0.0.1",
            "spark.ui.enabled=false",
            InputSplits.SPLIT_BYTES + "=" + SPLIT,
            "spark.executor.extraJavaOptions=" + opts)) {
      c.add("--conf");
      c.add(kv);
    }
    return c;
  }

  record Run(int exit, String log, JsonNode summary, List<String> lines) {}

  /** Runs a driver JVM, watching its output; {@code onLine} sees every line as it comes. */
  static Run drive(
      List<String> cmd,
      Path cwd,
      Path out,
      Path summary,
      java.util.function.Consumer<String> onLine)
      throws Exception {
    Path log = dir.resolve(out.getFileName() + ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(cwd.toFile());
    pb.environment().putAll(cluster.env());
    Process p = pb.start();
    StringBuilder all = new StringBuilder();
    try (BufferedReader r =
            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter w = new PrintWriter(Files.newBufferedWriter(log))) {
      String line;
      while ((line = r.readLine()) != null) {
        w.println(line);
        all.append(line).append('\n');
        onLine.accept(line);
      }
    }
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the driver did not finish");
    String text = all.toString();
    // The job's progress and cost lines, for the test report.
    text.lines().filter(l -> l.startsWith("telltale: spark:")).forEach(System.out::println);
    JsonNode s =
        Files.exists(summary) && Files.size(summary) > 0 ? JSON.readTree(summary.toFile()) : null;
    return new Run(p.exitValue(), text, s, SparkCorpusScanTest.partLines(out));
  }

  static List<String> scanArgs(String keys, Path out, Path summary) {
    return List.of(
        "--keys",
        keys,
        "--summary",
        summary.toString(),
        "--out",
        out.toString(),
        corpus.toString());
  }

  static List<String> classPath() {
    return List.of(
        "-cp",
        cluster.layout.resolve("spark-scan.jar")
            + File.pathSeparator
            + cluster.layout.resolve("lib")
            + File.separator
            + "*");
  }

  static void assertEqualToTheLocalScan(Run r) {
    assertTrue(r.exit() == SparkScanMain.OK, r.log());
    assertEquals(expected, r.summary(), r.log());
    assertEquals(expectedLines, r.lines());
    assertTrue(r.log().contains("tasks run"), r.log());
  }

  @Test
  @Order(1)
  void spark_submitOfThePackagedLayoutEqualsTheLocalScan() throws Exception {
    Path out = dir.resolve("out-submit");
    Path summary = dir.resolve("summary-submit.json");
    List<String> cmd = cluster.java();
    cmd.add("-Xmx512m");
    cmd.addAll(classPath());
    // What bin/spark-submit runs: SparkSubmit, the main class, the application jar, --jars.
    cmd.addAll(
        List.of(
            "org.apache.spark.deploy.SparkSubmit",
            "--master",
            cluster.masterUrl,
            "--deploy-mode",
            "client",
            "--class",
            SparkScanMain.class.getName(),
            "--jars",
            String.join(",", cluster.appJars())));
    cmd.addAll(conf());
    cmd.add(cluster.layout.resolve("spark-scan.jar").toString());
    cmd.addAll(scanArgs(keyFile.toString(), out, summary));
    Run r = drive(cmd, dir, out, summary, l -> {});
    assertEqualToTheLocalScan(r);
    // The big file was read by many tasks.
    assertTrue(r.log().matches("(?s).*\\(score documents\\): ([6-9]|[1-9][0-9]) tasks.*"), r.log());
  }

  @Test
  @Order(2)
  void aWorkerKilledWhileTasksRunDoesNotChangeTheResult() throws Exception {
    Path out = dir.resolve("out-kill");
    Path summary = dir.resolve("summary-kill.json");
    List<String> cmd = cluster.java();
    cmd.add("-Xmx512m");
    cmd.addAll(classPath());
    // As telltale scan --engine spark --master spark://… runs it: SparkScanMain as the driver.
    cmd.add(SparkScanMain.class.getName());
    cmd.addAll(List.of("--master", cluster.masterUrl));
    cmd.addAll(conf());
    // The key set travels through Spark's file distribution: the executors do not have the
    // driver's relative path keys.json in their working folders, only the shipped copy.
    Path driverDir = Files.createDirectories(dir.resolve("driver"));
    Path keys = Files.copy(keyFile, driverDir.resolve("keys.json"));
    Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-------"));
    cmd.addAll(List.of("--conf", "spark.files=" + keys));
    cmd.addAll(scanArgs("keys.json", out, summary));
    AtomicBoolean killed = new AtomicBoolean();
    Run r =
        drive(
            cmd,
            driverDir,
            out,
            summary,
            line -> {
              if (line.contains("(score documents): 1/") && killed.compareAndSet(false, true)) {
                cluster.kill(cluster.workers.get(0));
              }
            });
    assertTrue(killed.get(), r.log());
    assertTrue(r.log().matches("(?s).*\\b[1-9][0-9]* executors lost.*"), r.log());
    assertEqualToTheLocalScan(r);
  }
}
