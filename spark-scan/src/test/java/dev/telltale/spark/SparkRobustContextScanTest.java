package dev.telltale.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.embed.WatermarkSession;
import dev.telltale.embed.Watermarker;
import dev.telltale.forensics.corpus.Document;
import dev.telltale.forensics.corpus.DocumentSource;
import dev.telltale.forensics.scan.CorpusScan;
import dev.telltale.forensics.scan.ScanJson;
import dev.telltale.forensics.scan.ScanListener;
import dev.telltale.forensics.scan.ScanResult;
import dev.telltale.key.KeyId;
import dev.telltale.key.KeySet;
import dev.telltale.key.KeySetFile;
import dev.telltale.key.SecretAccess;
import dev.telltale.key.SecretBytes;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.scheme.WatermarkParameters;
import dev.telltale.text.Tokenizer;
import dev.telltale.text.Tokenizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark job with robust-context keys (read from the key file) against the single-machine scan:
 * the same summary and the same per-document lines, and documents embedded under those keys then
 * sprinkled with markers after every word are found under their key.
 */
class SparkRobustContextScanTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Tokenizer TOK = Tokenizers.cl100kBase();
  static final String MARKER = " \uD83D\uDE00";
  static final WatermarkKey KGW =
      key("kgw-robust", GreenListParameters.builder().robustContext(true).build(), 5);
  static final WatermarkKey GUMBEL =
      key("gumbel-robust", GumbelParameters.builder().robustContext(true).build(), 6);
  static final WatermarkKey[] KEYS = {KGW, GUMBEL};
  static final String[] WORDS =
      ("the of and to in that is for it as was with be by on not he this are or his from at which"
              + " but have an they you were her she there been one all we their has would when if"
              + " council member state report vote house policy market europe union law right")
          .split(" ");
  static final String[] PUNCT = {",", ".", ";", "!"};

  @TempDir static Path dir;
  static SparkSession spark;
  static Path keyFile;
  static Path jsonlDir;

  static WatermarkKey key(String id, WatermarkParameters p, long seed) {
    byte[] s = new byte[32];
    new SplittableRandom(seed).nextBytes(s);
    return WatermarkKey.of(
        KeyId.of(id), p, SecretBytes.copyOf(s, SecretAccess.get()), Instant.EPOCH);
  }

  @BeforeAll
  static void start() throws Exception {
    spark = TestSessions.local(2);
    List<Document> docs = documents(40);
    jsonlDir = dir.resolve("jsonl");
    Corpora.jsonl(jsonlDir.resolve("a.jsonl"), docs.subList(0, 15));
    Corpora.jsonl(jsonlDir.resolve("b.jsonl"), docs.subList(15, 40));
    keyFile = dir.resolve("keys.json");
    KeySetFile.write(keyFile, KeySet.of(KGW.id(), List.of(KEYS)), false);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /**
   * Plain documents of random words, and every fourth embedded under one of the keys in turn over
   * words and punctuation (flat logits), then given a marker after every word.
   */
  static List<Document> documents(int total) {
    SplittableRandom r = new SplittableRandom(12);
    int[] cands = new int[WORDS.length + PUNCT.length];
    for (int i = 0; i < WORDS.length; i++) {
      cands[i] = TOK.encode(" " + WORDS[i])[0];
    }
    for (int i = 0; i < PUNCT.length; i++) {
      cands[WORDS.length + i] = TOK.encode(PUNCT[i])[0];
    }
    List<Document> out = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      StringBuilder b = new StringBuilder();
      if (i % 4 == 0) {
        WatermarkKey key = KEYS[(i / 4) % KEYS.length];
        WatermarkSession s = Watermarker.of(key, TOK).newSession();
        for (int w = 0; w < 120; w++) {
          float[] logits = new float[cands.length];
          int t;
          if (key == GUMBEL) {
            t = s.sample(logits, cands, cands.length, 1.0, r);
          } else {
            s.bias(logits, cands, cands.length);
            t = cands[softmax(logits, r)];
          }
          s.accept(t);
          b.append(TOK.decode(new int[] {t}));
        }
        out.add(Document.of("doc-" + i, b.toString().replace(" ", MARKER + " ")));
      } else {
        for (int w = 0; w < 80; w++) {
          b.append(' ').append(WORDS[r.nextInt(WORDS.length)]);
        }
        out.add(Document.of("doc-" + i, b.toString()));
      }
    }
    return out;
  }

  static int softmax(float[] logits, SplittableRandom r) {
    double z = 0;
    for (float l : logits) {
      z += Math.exp(l);
    }
    double u = r.nextDouble() * z;
    for (int i = 0; i < logits.length; i++) {
      u -= Math.exp(logits[i]);
      if (u <= 0) {
        return i;
      }
    }
    return logits.length - 1;
  }

  @Test
  void robustKeysScanAsOnOneMachine() throws Exception {
    ScanResult ref;
    List<String> refLines;
    try (DocumentSource src = DocumentSource.files(List.of(jsonlDir), "text")) {
      ref =
          CorpusScan.of(KeySetFile.read(keyFile), TOK, CorpusScan.Options.defaults().withThreads(2))
              .run(src, dir.resolve("work"), new ScanListener() {});
      refLines = Files.readAllLines(ref.documentsFile());
    }
    Path out = dir.resolve("out");
    ScanResult r =
        new SparkCorpusScan(
                spark,
                new ScanSpec(keyFile.toString(), TOK.name(), "text", 256),
                SparkCorpusScan.Options.defaults())
            .run(
                List.of(jsonlDir.toString()),
                new SparkCorpusScan.Output(out.toString(), SparkCorpusScan.OutputFormat.JSONL));
    assertEquals(ScanJson.of(ref), ScanJson.of(r));
    assertEquals(refLines, SparkCorpusScanTest.partLines(out));
    // Not an empty statement: every marked-up embedded document is found under its own key.
    for (int i = 0; i < 40; i += 4) {
      JsonNode line = JSON.readTree(refLines.get(i));
      assertEquals("doc-" + i, line.get("id").asText());
      assertEquals(
          KEYS[(i / 4) % KEYS.length].id().value(), line.get("key_id").asText(), line.toString());
      assertTrue(line.get("log10_p_value").asDouble() < -3, line.toString());
    }
  }
}
