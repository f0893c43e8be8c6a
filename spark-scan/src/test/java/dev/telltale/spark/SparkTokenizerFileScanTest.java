package dev.telltale.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

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
import dev.telltale.text.Tokenizer;
import dev.telltale.text.Tokenizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Hugging Face {@code tokenizer.json} named by its path in the scan spec: the executors load the
 * file and the Spark job equals the single-machine scan with the same file, document by document;
 * the result differs from a cl100k_base scan of the same corpus, so both engines really tokenized
 * with the file.
 */
class SparkTokenizerFileScanTest {
  static final WatermarkKey KGW = TestKeys.key(43, GreenListParameters.defaults());

  @TempDir static Path dir;
  static SparkSession spark;
  static Path tokenizerFile;
  static Path keyFile;
  static Path corpus;

  /** A byte-level tokenizer.json: the 256 byte tokens and the merges "t h", "th e", "e n". */
  static String byteLevelTokenizer() {
    StringBuilder vocab = new StringBuilder();
    int extra = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
      char c = printable ? (char) b : (char) (256 + extra++);
      String json = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : String.valueOf(c);
      vocab.append('"').append(json).append("\":").append(b).append(',');
    }
    vocab.append("\"th\":256,\"the\":257,\"en\":258");
    return "{\"added_tokens\":[],"
        + "\"pre_tokenizer\":{\"type\":\"ByteLevel\",\"add_prefix_space\":false,\"use_regex\":true},"
        + "\"decoder\":{\"type\":\"ByteLevel\"},"
        + "\"model\":{\"type\":\"BPE\",\"vocab\":{"
        + vocab
        + "},\"merges\":[\"t h\",\"th e\",\"e n\"]}}";
  }

  @BeforeAll
  static void start() throws Exception {
    tokenizerFile = dir.resolve("tiny-tokenizer.json");
    Files.writeString(tokenizerFile, byteLevelTokenizer());
    Tokenizer tiny = Tokenizers.byName(tokenizerFile.toString());
    List<Document> docs = Corpora.documents(tiny, 40, 3, KGW, 11, 60);
    corpus = Corpora.jsonl(dir.resolve("corpus.jsonl"), docs);
    keyFile = dir.resolve("keys.json");
    KeySetFile.write(keyFile, KeySet.of(KGW.id(), List.of(KGW)), false);
    spark = TestSessions.local(2);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static ScanResult local(Tokenizer tok, Path work) throws Exception {
    try (DocumentSource src = DocumentSource.files(List.of(corpus), "text")) {
      return CorpusScan.of(
              KeySetFile.read(keyFile), tok, CorpusScan.Options.defaults().withThreads(2))
          .run(src, work, new ScanListener() {});
    }
  }

  @Test
  void aTokenizerJsonPathScansAsOnOneMachine() throws Exception {
    ScanResult ref = local(Tokenizers.byName(tokenizerFile.toString()), dir.resolve("work-tiny"));
    Path out = dir.resolve("out");
    ScanResult r =
        new SparkCorpusScan(
                spark,
                new ScanSpec(keyFile.toString(), tokenizerFile.toString(), "text", 256),
                SparkCorpusScan.Options.defaults())
            .run(
                List.of(corpus.toString()),
                new SparkCorpusScan.Output(out.toString(), SparkCorpusScan.OutputFormat.JSONL));
    assertEquals(ScanJson.of(ref), ScanJson.of(r));
    assertEquals(
        Files.readAllLines(ref.documentsFile()), SparkCorpusScanTest.partLines(out), "documents");
    assertEquals(ref.keys().get(0), r.keys().get(0));
    // The file, not cl100k_base, made the tuples.
    ScanResult cl100k = local(Tokenizers.cl100kBase(), dir.resolve("work-cl100k"));
    assertNotEquals(cl100k.keys().get(0), r.keys().get(0));
  }
}
