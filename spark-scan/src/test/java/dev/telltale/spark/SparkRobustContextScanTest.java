package dev.telltale.spark;

import dev.telltale.embed.WatermarkSession;
import dev.telltale.embed.Watermarker;
import dev.telltale.forensics.corpus.Document;
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
            t = cands[EngineComparison.softmax(logits, r)];
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

  @Test
  void robustKeysScanAsOnOneMachine() throws Exception {
    EngineComparison c = EngineComparison.run(spark, TOK, keyFile, jsonlDir, dir);
    c.assertSameOnBothEngines();
    // Not an empty statement: every marked-up embedded document is found under its own key.
    c.assertEveryFourthFoundUnderItsKey(KEYS, 40);
  }
}
