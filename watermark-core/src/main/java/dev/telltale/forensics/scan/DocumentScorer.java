package dev.telltale.forensics.scan;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.telltale.collect.LongOpenHashSet;
import dev.telltale.detect.DedupTape;
import dev.telltale.detect.DetectionPolicy;
import dev.telltale.detect.Detector;
import dev.telltale.detect.ScoreAccumulator;
import dev.telltale.detect.VllmFingerprints;
import dev.telltale.forensics.corpus.Document;
import dev.telltale.key.KeySet;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.VllmParameters;
import dev.telltale.stats.TailProbability;
import dev.telltale.text.DetectionNormalizer;
import dev.telltale.text.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The per-document step of a corpus scan, shared by every engine (the threads of {@link
 * CorpusScan}, the partitions of the Spark job): a detection per key on the document's own dedup
 * tape, the fingerprints each key scored first (what the corpus-wide pooled set receives), the
 * document's result line, and the pooled test of a key from its corpus-wide totals. Thread-safe.
 */
public final class DocumentScorer {
  private static final JsonFactory JSON_FACTORY = new JsonFactory();

  private final List<WatermarkKey> keys;
  private final List<Detector> detectors;
  private final Tokenizer tokenizer;

  private DocumentScorer(KeySet keySet, Tokenizer tokenizer) {
    this.keys = keySet.keys();
    this.tokenizer = tokenizer;
    List<Detector> d = new ArrayList<>();
    for (WatermarkKey k : keys) {
      d.add(Detector.of(k, tokenizer, DetectionPolicy.defaults()));
    }
    this.detectors = List.copyOf(d);
  }

  public static DocumentScorer of(KeySet keys, Tokenizer tokenizer) {
    return new DocumentScorer(keys, tokenizer);
  }

  public int keyCount() {
    return keys.size();
  }

  public Tokenizer tokenizer() {
    return tokenizer;
  }

  /** The id of key {@code key}, as the results name it. */
  public String keyId(int key) {
    return keys.get(key).id().value();
  }

  /** Whether key {@code key} is a green-list key (its pooled score counts green tuples). */
  public boolean greenList(int key) {
    return keys.get(key).parameters() instanceof GreenListParameters
        || (keys.get(key).parameters() instanceof VllmParameters v && v.countsGreen());
  }

  /** Whether key {@code key} is a vLLM key (its pooled totals are {@link #emptyTotals}). */
  public boolean isVllm(int key) {
    return keys.get(key).parameters() instanceof VllmParameters;
  }

  /** Whether any key is a vLLM key. */
  public boolean hasVllmKeys() {
    return keys.stream().anyMatch(k -> k.parameters() instanceof VllmParameters);
  }

  /**
   * Empty pooled totals for key {@code key}: vLLM keys' fingerprints carry their own score ({@link
   * VllmFingerprints}).
   */
  public TupleTotals emptyTotals(int key) {
    WatermarkKey k = keys.get(key);
    return k.parameters() instanceof VllmParameters
        ? TupleTotals.forVllm(VllmFingerprints.of(k))
        : new TupleTotals(greenList(key), greenThreshold(key));
  }

  /** The green threshold of a green-list key, 0 for other schemes. */
  public long greenThreshold(int key) {
    return keys.get(key).parameters() instanceof GreenListParameters g ? g.greenThreshold() : 0;
  }

  /**
   * One document's scores for every key.
   *
   * @param tokens the document's token count
   * @param positions scored positions per key (the document's own dedup)
   * @param scored distinct tuples per key
   * @param score green tuples (kgw) or Gumbel sum per key
   * @param log10p the document's log10 p-value per key
   * @param fingerprints per key, the fingerprints the document scored first, in text order
   */
  public record Scored(
      Document doc,
      int tokens,
      long[] positions,
      long[] scored,
      double[] score,
      double[] log10p,
      long[][] fingerprints) {

    /** The key with the smallest p-value (the first of equals). */
    public int bestKey() {
      int best = 0;
      for (int i = 1; i < log10p.length; i++) {
        if (log10p[i] < log10p[best]) {
          best = i;
        }
      }
      return best;
    }

    /** Holm's smallest adjusted p over the keys, log10: the family-wise p of the document. */
    public double familyLog10() {
      return Math.min(0.0, log10p[bestKey()] + Math.log10(log10p.length));
    }
  }

  /** Per-document detection for every key, remembering the fingerprints each key scored. */
  public Scored score(Document doc) {
    int[] ids = tokenizer.encode(DetectionNormalizer.normalize(doc.text()));
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

  /**
   * The document's line of the per-document results (one JSON object, no newline): id, tokens, the
   * best key's scored tuples and statistic, the family-wise p-value and that key's id.
   */
  public byte[] resultLine(Scored s) {
    int best = s.bestKey();
    TailProbability p = TailProbability.ofLn(s.familyLog10() * Math.log(10));
    ByteArrayOutputStream line = new ByteArrayOutputStream(160);
    try (JsonGenerator g = JSON_FACTORY.createGenerator(line, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeStringField("id", s.doc().id());
      g.writeNumberField("tokens", s.tokens());
      g.writeNumberField("scored", s.scored()[best]);
      g.writeNumberField("statistic", s.score()[best]);
      g.writeNumberField("p_value", p.pValue());
      g.writeNumberField("log10_p_value", p.log10PValue());
      g.writeStringField("key_id", keys.get(best).id().value());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return line.toByteArray();
  }

  /**
   * The pooled test of key {@code key} from its corpus-wide totals.
   *
   * @param positions scored positions summed over documents
   * @param totals the distinct tuples of the whole corpus and their score
   */
  public ScanResult.PooledKey pooled(int key, long positions, TupleTotals totals) {
    boolean green = greenList(key);
    long n = totals.distinct();
    double score = green ? totals.green() : totals.sum();
    double gamma =
        keys.get(key).parameters() instanceof GreenListParameters g
            ? g.effectiveGamma()
            : keys.get(key).parameters() instanceof VllmParameters v ? v.nullMean() : 1;
    return new ScanResult.PooledKey(
        keys.get(key).id(),
        keys.get(key).parameters().schemeName(),
        positions,
        n,
        score,
        n * gamma,
        detectors.get(key).tail(n, score));
  }

  /** The pooled key with the smallest p-value (the first of equals). */
  public static ScanResult.PooledKey best(List<ScanResult.PooledKey> pooled) {
    ScanResult.PooledKey best = pooled.get(0);
    for (ScanResult.PooledKey p : pooled) {
      if (p.p().log10PValue() < best.p().log10PValue()) {
        best = p;
      }
    }
    return best;
  }

  /** The family-wise pooled p-value over the keys (Holm's smallest adjusted value). */
  public static TailProbability familyWise(List<ScanResult.PooledKey> pooled) {
    double log10 = Math.min(0.0, best(pooled).p().log10PValue() + Math.log10(pooled.size()));
    return TailProbability.ofLn(log10 * Math.log(10));
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
}
