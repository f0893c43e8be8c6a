package dev.telltale.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.embed.WatermarkSession;
import dev.telltale.embed.Watermarker;
import dev.telltale.forensics.corpus.Document;
import dev.telltale.forensics.scan.ScanResult;
import dev.telltale.key.KeyId;
import dev.telltale.key.KeySet;
import dev.telltale.key.KeySetFile;
import dev.telltale.key.WatermarkKey;
import dev.telltale.prf.VllmPrf;
import dev.telltale.scheme.VllmDedup;
import dev.telltale.scheme.VllmDualKeyGumbelParameters;
import dev.telltale.scheme.VllmGumbelParameters;
import dev.telltale.scheme.VllmRedGreenParameters;
import dev.telltale.scheme.VllmSbwParameters;
import dev.telltale.text.DetectionNormalizer;
import dev.telltale.text.Tokenizer;
import dev.telltale.text.Tokenizers;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark job with vLLM keys against the single-machine scan: a corpus of plain documents and of
 * documents embedded by Telltale under a vLLM Gumbel, a dual-key Gumbel, an SBW (selfhash and
 * lefthash) and a red-green key must give the same summary JSON and the same per-document lines on
 * both engines (the pooled totals decode each tuple's score from its fingerprint), and SBW's pooled
 * count is the number of distinct (effective seed, token) pairs, not of distinct (context, token)
 * tuples.
 */
class SparkVllmScanTest {
  static final Tokenizer TOK = Tokenizers.cl100kBase();
  static final OptionalInt HISTORY = OptionalInt.of(8192);
  static final WatermarkKey GUMBEL =
      vllmKey(
          "vllm-gumbel", new VllmGumbelParameters(4, VllmDedup.SINGLE_TURN, HISTORY, true), 0xA1L);
  static final WatermarkKey DUAL =
      vllmKey(
          "vllm-dual",
          new VllmDualKeyGumbelParameters(4, VllmDedup.SINGLE_TURN, HISTORY, true, 0.1, 0.1),
          0xB2L);
  // A key above 2^63, as vLLM allows.
  static final WatermarkKey SBW =
      vllmKey(
          "vllm-sbw",
          new VllmSbwParameters(4, VllmDedup.SINGLE_TURN, HISTORY, true, 0.5, 2.0),
          0xF00DFACE12345678L);
  static final String[] WORDS =
      ("the of and to in that is for it as was with be by on not he this are or his from at which"
              + " but have an they you were her she there been one all we their has would when if"
              + " so no will more can who out said do about some what up time into only other new"
              + " council member state report vote house policy market europe union law right")
          .split(" ");

  static final WatermarkKey RED_GREEN =
      vllmKey(
          "vllm-red-green",
          new VllmRedGreenParameters(4, VllmDedup.SINGLE_TURN, HISTORY, true, 0.25, 2.0),
          0xC3L);
  static final WatermarkKey LEFTHASH =
      vllmKey(
          "vllm-sbw-lefthash",
          new VllmSbwParameters(
              1, VllmDedup.SINGLE_TURN, HISTORY, true, 0.5, 2.0, VllmSbwParameters.LEFTHASH),
          0xE5L);
  static final WatermarkKey SYNTHID =
      vllmKey(
          "vllm-synthid",
          new dev.telltale.scheme.VllmSynthIdParameters(
              4, VllmDedup.SINGLE_TURN, HISTORY, true, 32),
          0xD4L);
  static final WatermarkKey[] KEYS = {GUMBEL, DUAL, SBW, RED_GREEN, LEFTHASH, SYNTHID};

  @TempDir static Path dir;
  static SparkSession spark;
  static List<Document> docs;
  static Path keyFile;
  static Path jsonlDir;

  static WatermarkKey vllmKey(String id, dev.telltale.scheme.VllmParameters p, long key) {
    return WatermarkKey.ofVllm(KeyId.of(id), p, key, Instant.EPOCH);
  }

  @BeforeAll
  static void start() throws Exception {
    spark = TestSessions.local(2);
    docs = documents(60);
    jsonlDir = dir.resolve("jsonl");
    Corpora.jsonl(jsonlDir.resolve("a.jsonl"), docs.subList(0, 25));
    Corpora.jsonl(jsonlDir.resolve("b/c.jsonl"), docs.subList(25, 60));
    keyFile = dir.resolve("keys.json");
    KeySetFile.write(keyFile, KeySet.of(GUMBEL.id(), List.of(KEYS)), false);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /**
   * Plain documents of random words (some from few words, so tuples repeat across documents), and
   * every fourth embedded by Telltale under one of the keys in turn, sampling among the words'
   * tokens.
   */
  static List<Document> documents(int total) {
    SplittableRandom r = new SplittableRandom(11);
    int[] candidates = new int[WORDS.length];
    for (int i = 0; i < WORDS.length; i++) {
      candidates[i] = TOK.encode(" " + WORDS[i])[0];
    }
    float[] logits = new float[WORDS.length];
    List<Document> out = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      StringBuilder b = new StringBuilder();
      if (i % 4 == 0) {
        WatermarkKey key = KEYS[(i / 4) % KEYS.length];
        WatermarkSession s = Watermarker.of(key).newSession();
        for (int w = 0; w < 120; w++) {
          int t =
              key == SBW || key == RED_GREEN || key == LEFTHASH || key == SYNTHID
                  ? biased(s, candidates, r)
                  : s.sample(logits, candidates, candidates.length, 1.0, r);
          s.accept(t);
          b.append(TOK.decode(new int[] {t}));
        }
      } else {
        int vocabulary = i % 5 == 2 ? 10 : WORDS.length;
        for (int w = 0; w < 80; w++) {
          b.append(' ').append(WORDS[r.nextInt(vocabulary)]);
        }
      }
      out.add(Document.of("doc-" + i, b.toString()));
    }
    return out;
  }

  /**
   * SBW, red-green and SynthID embed through bias(): a softmax draw over the biased (otherwise
   * flat) logits (SynthID's are its reweighted log-probabilities).
   */
  static int biased(WatermarkSession s, int[] candidates, SplittableRandom r) {
    float[] l = new float[candidates.length];
    s.bias(l, candidates, candidates.length);
    return candidates[EngineComparison.softmax(l, r)];
  }

  @Test
  void vllmKeysPoolAsOnOneMachineDocumentByDocument() throws Exception {
    EngineComparison c = EngineComparison.run(spark, TOK, keyFile, jsonlDir, dir);
    c.assertSameOnBothEngines();
    ScanResult ref = c.reference();
    ScanResult r = c.spark();
    for (int k = 0; k < KEYS.length; k++) {
      assertEquals(ref.keys().get(k), r.keys().get(k));
    }
    // Not an empty statement: every embedded document is found under its own key, the Gumbel and
    // SynthID keys' pooled tests are significant, and the green-list keys pool more green tuples
    // than the null share (their embedded documents are few among the plain ones, and SBW pools few
    // distinct (seed, token) pairs on a 90-word vocabulary, so their pooled tests are weak here).
    c.assertEveryFourthFoundUnderItsKey(KEYS, docs.size());
    for (int k : new int[] {0, 1, 5}) {
      assertTrue(
          r.keys().get(k).p().log10PValue() < -6,
          r.keys().get(k).keyId() + " pooled log10 p " + r.keys().get(k).p().log10PValue());
    }
    for (int k : new int[] {2, 3, 4}) {
      assertTrue(
          r.keys().get(k).score() > r.keys().get(k).expectedScore(), r.keys().get(k).toString());
    }
    assertTrue(r.suspectCount() >= 10, "suspects " + r.suspectCount());

    // SBW pools distinct (effective seed, token) pairs, what its PRF reads: fewer than the distinct
    // (context, token) tuples on this repetitive corpus, so the two rules are told apart.
    VllmPrf prf = VllmPrf.of(SBW);
    Set<List<Long>> pairs = new HashSet<>();
    Set<List<Integer>> tuples = new HashSet<>();
    for (Document d : docs) {
      // What the scorer reads: the normalized text.
      int[] ids = TOK.encode(DetectionNormalizer.normalize(d.text()));
      for (int i = 0; i < ids.length; i++) {
        pairs.add(List.of(prf.sbwSeed(ids, 0, i, ids[i]), (long) ids[i]));
        int[] t = new int[5];
        for (int j = 0; j < 4; j++) {
          t[j] = i - 4 + j < 0 ? -1 : ids[i - 4 + j];
        }
        t[4] = ids[i];
        tuples.add(Arrays.stream(t).boxed().toList());
      }
    }
    ScanResult.PooledKey sbw = r.keys().get(2);
    assertEquals(SBW.id(), sbw.keyId());
    assertEquals(pairs.size(), sbw.scoredTuples());
    assertTrue(
        pairs.size() < tuples.size(), "seed pairs " + pairs.size() + " tuples " + tuples.size());
  }
}
