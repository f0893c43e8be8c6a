package dev.telltale.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.telltale.TestKeys;
import dev.telltale.forensics.corpus.Document;
import dev.telltale.forensics.corpus.DocumentSource;
import dev.telltale.forensics.radioactivity.RadioactivityTest;
import dev.telltale.forensics.scan.CorpusScan;
import dev.telltale.forensics.scan.ScanListener;
import dev.telltale.forensics.scan.ScanResult;
import dev.telltale.key.KeyId;
import dev.telltale.key.KeySet;
import dev.telltale.key.WatermarkKey;
import dev.telltale.prf.VllmPrf;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.scheme.PrfVersion;
import dev.telltale.scheme.VllmDedup;
import dev.telltale.scheme.VllmDualKeyGumbelParameters;
import dev.telltale.scheme.VllmGumbelParameters;
import dev.telltale.scheme.VllmParameters;
import dev.telltale.scheme.VllmRedGreenParameters;
import dev.telltale.scheme.VllmSbwParameters;
import dev.telltale.scheme.VllmSynthIdParameters;
import dev.telltale.text.ContextSkip;
import dev.telltale.text.DetectionNormalizer;
import dev.telltale.text.Tokenizer;
import dev.telltale.text.Tokenizers;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The unit a statement records for a key ({@link DedupUnit}, {@code dedup.units}) is what the
 * scorers deduplicate: the recorded string is read back into a counting rule, the rule counts the
 * units of a repetitive token sequence on which every candidate rule gives a different count, and
 * the count must equal the tuples the detector (scope text), the radioactivity test (scope run) and
 * the corpus scan's pooled test (scope corpus) scored. A unit string changed without the scorer, or
 * a scorer changed without its string, fails.
 */
class DedupUnitAgreementTest {
  static final Tokenizer TOK = Tokenizers.cl100kBase();
  static final OptionalInt HISTORY = OptionalInt.of(8192);
  static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  /** One key of every scheme kind, by name. */
  static Map<String, WatermarkKey> keys() {
    Map<String, WatermarkKey> k = new LinkedHashMap<>();
    k.put("kgw", TestKeys.key(1, GreenListParameters.defaults()));
    k.put("kgw-v2", TestKeys.key(2, GreenListParameters.defaults(), PrfVersion.V2));
    k.put(
        "kgw-self-hash",
        TestKeys.key(3, GreenListParameters.builder().selfHash(true).contextWidth(3).build()));
    k.put("gumbel", TestKeys.key(4, GumbelParameters.defaults()));
    k.put("kgw-robust", TestKeys.key(5, GreenListParameters.builder().robustContext(true).build()));
    k.put("gumbel-robust", TestKeys.key(6, GumbelParameters.builder().robustContext(true).build()));
    k.put(
        "vllm-gumbel",
        vllm("vllm-gumbel", new VllmGumbelParameters(4, VllmDedup.SINGLE_TURN, HISTORY, true), 11));
    k.put(
        "vllm-gumbel-no-dedup",
        vllm(
            "vllm-gumbel-no-dedup",
            new VllmGumbelParameters(4, VllmDedup.SINGLE_TURN, HISTORY, false),
            12));
    k.put(
        "vllm-dual",
        vllm(
            "vllm-dual",
            new VllmDualKeyGumbelParameters(4, VllmDedup.SINGLE_TURN, HISTORY, true, 0.1, 0.1),
            13));
    k.put(
        "vllm-red-green",
        vllm(
            "vllm-red-green",
            new VllmRedGreenParameters(4, VllmDedup.SINGLE_TURN, HISTORY, true, 0.25, 2.0),
            14));
    k.put(
        "vllm-synthid",
        vllm(
            "vllm-synthid",
            new VllmSynthIdParameters(4, VllmDedup.SINGLE_TURN, HISTORY, true, 32),
            15));
    k.put(
        "vllm-sbw",
        vllm(
            "vllm-sbw",
            new VllmSbwParameters(4, VllmDedup.SINGLE_TURN, HISTORY, true, 0.5, 2.0),
            16));
    k.put(
        "vllm-sbw-lefthash",
        vllm(
            "vllm-sbw-lefthash",
            new VllmSbwParameters(
                2, VllmDedup.SINGLE_TURN, HISTORY, true, 0.5, 2.0, VllmSbwParameters.LEFTHASH),
            17));
    return k;
  }

  static WatermarkKey vllm(String id, VllmParameters p, long key) {
    return WatermarkKey.ofVllm(KeyId.of(id), p, key, T);
  }

  /**
   * 300 tokens drawn from four words (and, for a robust-context key, two punctuation marks its
   * contexts skip): contexts repeat often and are followed by different tokens, so contexts,
   * (context, token) tuples and positions all count differently.
   */
  static int[] repetitive(boolean punctuation, long seed) {
    List<String> pieces = new ArrayList<>(List.of(" the", " of", " and", " vote"));
    if (punctuation) {
      pieces.addAll(List.of(",", "."));
    }
    int[] alphabet = new int[pieces.size()];
    for (int i = 0; i < alphabet.length; i++) {
      int[] t = TOK.encode(pieces.get(i));
      assertEquals(1, t.length, pieces.get(i));
      alphabet[i] = t[0];
    }
    SplittableRandom r = new SplittableRandom(seed);
    int[] ids = new int[300];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = alphabet[r.nextInt(alphabet.length)];
    }
    return ids;
  }

  /** The counting rules a unit string can name. */
  enum Rule {
    /** Telltale's: distinct (window of the h tokens before, token), from position h. */
    WINDOW_AND_TOKEN,
    /** vLLM's detection dedup: each position whose context was not seen before. */
    CONTEXT,
    /** Distinct (context, token). */
    CONTEXT_AND_TOKEN,
    /** SBW: distinct (effective seed, token). */
    SEED_AND_TOKEN,
    /**
     * vLLM's detection dedup within each document, then distinct (context, token) over the corpus.
     */
    CONTEXT_THEN_CONTEXT_AND_TOKEN
  }

  /** The rule {@code unit} names for {@code key}, failing on a string no rule answers to. */
  static Rule rule(String unit, WatermarkKey key) {
    String base = unit;
    if (key.parameters() instanceof VllmParameters v) {
      String suffix = " (vLLM " + v.algorithm() + ")";
      assertTrue(unit.endsWith(suffix), unit + " does not name " + suffix);
      base = unit.substring(0, unit.length() - suffix.length());
    }
    return switch (base) {
      case "context window and token" -> Rule.WINDOW_AND_TOKEN;
      case "context" -> Rule.CONTEXT;
      case "context and token" -> Rule.CONTEXT_AND_TOKEN;
      case "effective seed and token" -> Rule.SEED_AND_TOKEN;
      case "context within a document, context and token across documents" ->
          Rule.CONTEXT_THEN_CONTEXT_AND_TOKEN;
      default -> fail("no counting rule for unit '" + unit + "' of " + key.id());
    };
  }

  /**
   * What {@code rule} counts in {@code docs} for {@code key}, from position {@code from} of each
   * on: the context of a position is the {@code contextWidth} tokens before it, -1 before the start
   * (how vLLM pads); a robust-context key's skipped class is dropped first. Units are pooled over
   * the documents; contexts are first seen within a document.
   */
  static long count(Rule rule, WatermarkKey key, List<int[]> docs, int from) {
    int c = key.parameters().contextWidth();
    Set<List<Long>> units = new HashSet<>();
    long contextFirsts = 0;
    for (int[] doc : docs) {
      int[] ids = key.parameters().robustContext() ? ContextSkip.of(TOK).kept(doc) : doc;
      Set<List<Integer>> contexts = new HashSet<>();
      for (int i = from; i < ids.length; i++) {
        List<Integer> ctx = new ArrayList<>(c);
        for (int j = i - c; j < i; j++) {
          ctx.add(j < 0 ? -1 : ids[j]);
        }
        boolean firstContext = contexts.add(ctx);
        contextFirsts += firstContext ? 1 : 0;
        if (rule == Rule.CONTEXT_THEN_CONTEXT_AND_TOKEN && !firstContext) {
          continue;
        }
        List<Long> unit = new ArrayList<>();
        if (rule == Rule.SEED_AND_TOKEN) {
          unit.add(VllmPrf.of(key).sbwSeed(ids, 0, i, ids[i]));
        } else {
          ctx.forEach(t -> unit.add((long) t));
        }
        unit.add((long) ids[i]);
        units.add(unit);
      }
    }
    return rule == Rule.CONTEXT ? contextFirsts : units.size();
  }

  /**
   * The rules that apply to a key in a test of {@code scope}: their counts must differ for the text
   * to tell them apart.
   */
  static List<Rule> candidates(WatermarkKey key, DedupUnit.Scope scope) {
    List<Rule> rules = new ArrayList<>(List.of(Rule.CONTEXT, Rule.CONTEXT_AND_TOKEN));
    if (key.parameters() instanceof VllmSbwParameters) {
      rules.add(Rule.SEED_AND_TOKEN);
    }
    if (scope == DedupUnit.Scope.CORPUS) {
      rules.add(Rule.CONTEXT_THEN_CONTEXT_AND_TOKEN);
    }
    return rules;
  }

  /**
   * The first position a test scores: vLLM keys' detection (of a text or of a corpus document)
   * scores every token, padded; a radioactivity run, the tokens after a full window.
   */
  static int firstScored(WatermarkKey key, DedupUnit.Scope scope) {
    return key.parameters() instanceof VllmParameters && scope != DedupUnit.Scope.RUN
        ? 0
        : key.parameters().contextWidth();
  }

  static void assertRulesDiffer(
      WatermarkKey key, DedupUnit.Scope scope, List<int[]> docs, int from) {
    List<Rule> rules = candidates(key, scope);
    long[] counts = rules.stream().mapToLong(r -> count(r, key, docs, from)).distinct().toArray();
    assertEquals(
        rules.size(),
        counts.length,
        key.id() + ": the text does not tell " + rules + " apart " + Arrays.toString(counts));
  }

  @Test
  void aDetectionScoresExactlyTheUnitsItsStatementNames() {
    long seed = 1;
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, WatermarkKey> e : keys().entrySet()) {
      WatermarkKey key = e.getValue();
      int[] ids = repetitive(key.parameters().robustContext(), seed++);
      int from = firstScored(key, DedupUnit.Scope.TEXT);
      assertRulesDiffer(key, DedupUnit.Scope.TEXT, List.of(ids), from);
      String unit = DedupUnit.of(key.parameters(), DedupUnit.Scope.TEXT);
      Detection d =
          Detector.of(key, TOK, DetectionPolicy.defaults()).detectTokens(ids, 0, ids.length);
      long expected = count(rule(unit, key), key, List.of(ids), from);
      if (d.scoredTokens() != expected) {
        wrong.add(
            e.getKey() + " (" + unit + "): " + expected + " units, scored " + d.scoredTokens());
      }
      assertEquals(
          unit,
          DedupUnit.block(DedupUnit.Scope.TEXT, true, key, List.of(key))
              .get("units")
              .get(0)
              .get("unit")
              .asText());
    }
    assertEquals(List.of(), wrong);
  }

  @Test
  void aRadioactivityRunScoresExactlyTheUnitsItsStatementNames() {
    long seed = 100;
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, WatermarkKey> e : keys().entrySet()) {
      WatermarkKey key = e.getValue();
      int[] ids = repetitive(key.parameters().robustContext(), seed++);
      int from = firstScored(key, DedupUnit.Scope.RUN);
      assertRulesDiffer(key, DedupUnit.Scope.RUN, List.of(ids), from);
      String unit = DedupUnit.of(key.parameters(), DedupUnit.Scope.RUN);
      // One exchange with no prompt: every answer token after a full window is scored once.
      long scored =
          RadioactivityTest.of(
                  key,
                  TOK,
                  new RadioactivityTest.Options(true, RadioactivityTest.PromptFilter.NONE),
                  Optional.empty())
              .closedModel(List.of(new RadioactivityTest.Exchange(new int[0], ids)))
              .scoredTuples();
      long expected = count(rule(unit, key), key, List.of(ids), from);
      if (scored != expected) {
        wrong.add(e.getKey() + " (" + unit + "): " + expected + " units, scored " + scored);
      }
    }
    assertEquals(List.of(), wrong);
  }

  @Test
  void aCorpusScanPoolsExactlyTheUnitsItsStatementNames(@TempDir Path tmp) throws Exception {
    long seed = 200;
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, WatermarkKey> e : keys().entrySet()) {
      WatermarkKey key = e.getValue();
      List<Document> docs = new ArrayList<>();
      List<int[]> read = new ArrayList<>();
      for (int d = 0; d < 3; d++) {
        String text = TOK.decode(repetitive(key.parameters().robustContext(), seed++));
        docs.add(Document.of("doc-" + d, text));
        // What the scan reads: the normalized text's ids.
        read.add(TOK.encode(DetectionNormalizer.normalize(text)));
      }
      int from = firstScored(key, DedupUnit.Scope.CORPUS);
      assertRulesDiffer(key, DedupUnit.Scope.CORPUS, read, from);
      String unit = DedupUnit.of(key.parameters(), DedupUnit.Scope.CORPUS);
      ScanResult r =
          CorpusScan.of(KeySet.single(key), TOK, CorpusScan.Options.defaults().withThreads(1))
              .run(DocumentSource.of(docs), tmp.resolve(e.getKey()), ScanListener.NONE);
      long expected = count(rule(unit, key), key, read, from);
      long pooled = r.keys().get(0).scoredTuples();
      if (pooled != expected) {
        wrong.add(e.getKey() + " (" + unit + "): " + expected + " units, pooled " + pooled);
      }
    }
    assertEquals(List.of(), wrong);
  }
}
