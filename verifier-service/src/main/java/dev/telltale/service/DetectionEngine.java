package dev.telltale.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.collect.ThreadScratch;
import dev.telltale.detect.DetectionJson;
import dev.telltale.detect.DetectionPolicy;
import dev.telltale.detect.Detector;
import dev.telltale.detect.FormTokens;
import dev.telltale.detect.KeySetDetection;
import dev.telltale.detect.KeySetDetector;
import dev.telltale.detect.ScoreTrace;
import dev.telltale.detect.SpreadReference;
import dev.telltale.detect.TokenMarks;
import dev.telltale.key.KeyId;
import dev.telltale.key.KeySet;
import dev.telltale.key.WatermarkKey;
import dev.telltale.text.Deadline;
import dev.telltale.text.DeadlineExceededException;
import dev.telltale.text.Tokenizer;
import dev.telltale.text.Tokenizers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs a detection request against the service's key set and produces exactly the object {@code
 * telltale detect --json} prints ({@link DetectionJson}), plus per-token marks when asked. Blocking
 * (CPU): call it off the event loop.
 */
public final class DetectionEngine {
  /** Inputs longer than this cannot ask for per-token marks (the answer would be huge). */
  public static final int MAX_EXPLAIN_TOKENS = 20_000;

  private static final SpreadReference DEFAULT_SPREAD_REFERENCE = SpreadReference.tokenizerRanks();

  private final KeySet keys;
  private final int maxTokens;
  private final ConcurrentHashMap<DetectorKey, KeySetDetector> detectors =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<DetectorKey, Detector> spreadDetectors =
      new ConcurrentHashMap<>();

  /** Each scoring thread's trace of the first key's pass, reused request after request. */
  private static final ThreadLocal<ScoreTrace> TRACE =
      ThreadLocal.withInitial(() -> new ScoreTrace(1024));

  private final ServiceTokenizers tokenizers;
  private final Optional<Path> spreadFile;
  private final ConcurrentHashMap<String, SpreadReference> spreadReferences =
      new ConcurrentHashMap<>();

  public DetectionEngine(KeySet keys, int maxTokens) {
    this(keys, maxTokens, ServiceTokenizers.builtIn());
  }

  /** With the configured tokenizer files ({@code tokenizers.files}) besides the built-in ones. */
  DetectionEngine(KeySet keys, int maxTokens, ServiceTokenizers tokenizers) {
    this(keys, maxTokens, tokenizers, "");
  }

  /**
   * With a reference corpus for the spoofing check ({@code detection.spread_reference}; empty: the
   * default reference). The file is read at start and tokenized once per tokenizer.
   */
  DetectionEngine(KeySet keys, int maxTokens, ServiceTokenizers tokenizers, String spreadFile) {
    this.keys = keys;
    this.maxTokens = maxTokens;
    this.tokenizers = tokenizers;
    this.spreadFile = spreadFile.isEmpty() ? Optional.empty() : Optional.of(Path.of(spreadFile));
    if (this.spreadFile.isPresent()) {
      spreadReference(tokenizers.get(Tokenizers.CL100K_BASE));
    }
  }

  /** The configured reference file, whose name a re-run command gives. */
  Optional<Path> spreadFile() {
    return spreadFile;
  }

  private SpreadReference spreadReference(Tokenizer tok) {
    if (spreadFile.isEmpty()) {
      return DEFAULT_SPREAD_REFERENCE;
    }
    return spreadReferences.computeIfAbsent(
        tok.name(),
        n -> {
          try {
            return SpreadReference.corpusFile(tok, spreadFile.get());
          } catch (java.io.IOException | IllegalArgumentException e) {
            throw new ConfigException(
                "detection.spread_reference " + spreadFile.get() + ": " + e.getMessage());
          }
        });
  }

  /**
   * A validated detection request. {@code promptIds} (empty unless given with token ids) are never
   * scored, as in {@code telltale detect --ids} reading {@code {"prompt_ids":[...],"ids":[...]}}.
   */
  public record Request(
      Optional<String> text,
      Optional<int[]> tokens,
      int[] promptIds,
      Optional<String> keyId,
      boolean window,
      double alpha,
      String tokenizer,
      boolean explain,
      boolean caseInsensitive) {

    /** A request without the lower-cased form. */
    public Request(
        Optional<String> text,
        Optional<int[]> tokens,
        int[] promptIds,
        Optional<String> keyId,
        boolean window,
        double alpha,
        String tokenizer,
        boolean explain) {
      this(text, tokens, promptIds, keyId, window, alpha, tokenizer, explain, false);
    }

    /** Reads a request that already passed the DetectRequest schema. */
    public static Request fromJson(JsonNode n) {
      Optional<int[]> ids = Optional.empty();
      // token_ids: ids as a serving engine logged them (the schema admits one of the two)
      String field = n.has("token_ids") ? "token_ids" : "tokens";
      if (n.has(field)) {
        ids = Optional.of(ints(n.get(field)));
      }
      return new Request(
          n.has("text") ? Optional.of(n.get("text").textValue()) : Optional.empty(),
          ids,
          n.has("prompt_ids") ? ints(n.get("prompt_ids")) : new int[0],
          n.has("key_id") ? Optional.of(n.get("key_id").textValue()) : Optional.empty(),
          n.path("window").asBoolean(false),
          n.has("alpha") ? n.get("alpha").doubleValue() : DetectionPolicy.DEFAULT_ALPHA,
          n.has("tokenizer") ? n.get("tokenizer").textValue() : Tokenizers.CL100K_BASE,
          n.path("explain").asBoolean(false),
          n.path("case_insensitive").asBoolean(false));
    }

    private static int[] ints(JsonNode array) {
      int[] a = new int[array.size()];
      for (int i = 0; i < a.length; i++) {
        a[i] = array.get(i).intValue();
      }
      return a;
    }
  }

  /** A detection's JSON and what the audit log keeps of it. */
  public record Outcome(ObjectNode json, KeySetDetection result, int tokens, String inputSha256) {}

  public Outcome detect(Request r) {
    return detect(r, Deadline.NONE);
  }

  /**
   * Detects, checking {@code deadline} while tokenising and between keys.
   *
   * @throws DeadlineExceededException once the deadline has passed
   */
  public Outcome detect(Request r, Deadline deadline) {
    Tokenizer tok = tokenizers.get(r.tokenizer());
    KeySet set = keys;
    if (r.keyId().isPresent()) {
      WatermarkKey k =
          keys.get(KeyId.of(r.keyId().get()))
              .orElseThrow(
                  () -> ProblemException.notFound("unknown-key", "no key with this key_id"));
      set = KeySet.single(k);
    }
    String digest;
    int[] ids;
    List<FormTokens> forms = List.of();
    int prompt = 0;
    if (r.text().isPresent()) {
      digest = dev.telltale.text.Utf8Digest.sha256Hex(r.text().get());
      forms =
          FormTokens.encode(tok, r.text().get(), FormTokens.family(r.caseInsensitive()), deadline);
      ids = forms.get(0).ids();
      for (FormTokens f : forms) {
        ids = f.ids().length > ids.length ? f.ids() : ids;
      }
    } else {
      int[] generated = r.tokens().orElseThrow();
      prompt = r.promptIds().length;
      ids = Arrays.copyOf(r.promptIds(), prompt + generated.length);
      System.arraycopy(generated, 0, ids, prompt, generated.length);
      digest = sha256Hex(idsFile(r.promptIds(), generated));
    }
    if (ids.length > maxTokens) {
      throw new ProblemException(
          413,
          "too-many-tokens",
          "Content too large",
          "the input has " + ids.length + " tokens; the limit is " + maxTokens);
    }
    if (r.explain() && ids.length > MAX_EXPLAIN_TOKENS) {
      throw ProblemException.badRequest(
          "explain-too-long",
          "explain is limited to " + MAX_EXPLAIN_TOKENS + " tokens; the input has " + ids.length);
    }
    DetectionPolicy policy = DetectionPolicy.defaults().withAlpha(r.alpha()).withWindow(r.window());
    KeySetDetector detector = detector(set, tok, r, policy);
    KeySetDetection result;
    // The reported key's trace, when the detection kept it, feeds the spread check below.
    KeySetDetector.Traced traced;
    if (r.text().isPresent()) {
      traced = detector.detectFormsTraced(forms, deadline, TRACE.get());
      result = traced.result();
      // Marks and checks read the tokens of the form that won for the reported key.
      ids = FormTokens.of(forms, result.best().normalForm().orElseThrow()).ids();
    } else {
      traced = detector.detectTokensTraced(ids, prompt, ids.length - prompt, deadline, TRACE.get());
      result = traced.result();
    }
    ObjectNode json = DetectionJson.of(result, tok);
    // The spoofing check, as telltale detect gives it (with --spread-reference when configured).
    DetectionJson.addSpreadCheck(
        json,
        result,
        spreadDetector(set.get(result.best().keyId()).orElseThrow(), tok, r, policy),
        ids,
        prompt,
        spreadReference(tok),
        SpreadReference.DEFAULT_RARE_LEVEL,
        traced.bestTrace());
    if (TRACE.get().size() > ThreadScratch.KEPT) {
      TRACE.remove(); // let go of what a huge text grew
    }
    if (r.text().isEmpty()) {
      // As telltale detect --ids prints it, so the finding re-runs to the same result.
      json.put("input", "token_ids");
      json.put("prompt_tokens", prompt);
    }
    if (r.explain()) {
      WatermarkKey best = set.get(result.best().keyId()).orElseThrow();
      json.set("explain", TokenMarks.explain(best, tok, ids));
    }
    return new Outcome(json, result, ids.length, digest);
  }

  /**
   * Detectors for the default alpha are kept (deriving subkeys per request is wasted work); the
   * cache is bounded by tokenizers x (keys + 1) x window on/off, because an unknown key id is
   * refused before this point. Other alphas get a fresh detector.
   */
  private KeySetDetector detector(KeySet set, Tokenizer tok, Request r, DetectionPolicy policy) {
    if (r.alpha() != DetectionPolicy.DEFAULT_ALPHA) {
      return KeySetDetector.of(set, tok, policy);
    }
    return detectors.computeIfAbsent(
        new DetectorKey(tok.name(), r.keyId(), r.window()),
        k -> KeySetDetector.of(set, tok, policy));
  }

  /** Spread-check detectors kept (for tests). */
  int spreadDetectorsKept() {
    return spreadDetectors.size();
  }

  private record DetectorKey(String tokenizer, Optional<String> keyId, boolean window) {}

  /**
   * The reported key's detector for the spread check, kept like {@link #detector} (creating one
   * derives the key's subkeys, which showed in profiles of the service under load); bounded by
   * tokenizers x keys x window on/off.
   */
  private Detector spreadDetector(
      WatermarkKey key, Tokenizer tok, Request r, DetectionPolicy policy) {
    if (r.alpha() != DetectionPolicy.DEFAULT_ALPHA) {
      return Detector.of(key, tok, policy);
    }
    return spreadDetectors.computeIfAbsent(
        new DetectorKey(tok.name(), Optional.of(key.id().value()), r.window()),
        k -> Detector.of(key, tok, policy));
  }

  /**
   * The file {@code telltale detect --ids} re-reads for token ids sent to {@code /v1/detect}
   * (FindingStatements names it): the compact JSON array {@code [1,2,3]}, or with prompt ids the
   * compact object {@code {"prompt_ids":[1,2],"ids":[3]}}.
   */
  static byte[] idsFile(int[] promptIds, int[] ids) {
    StringBuilder a = new StringBuilder((promptIds.length + ids.length) * 6 + 32);
    if (promptIds.length > 0) {
      appendArray(a.append("{\"prompt_ids\":"), promptIds).append(",\"ids\":");
    }
    appendArray(a, ids);
    if (promptIds.length > 0) {
      a.append('}');
    }
    return a.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static StringBuilder appendArray(StringBuilder a, int[] ids) {
    a.append('[');
    for (int i = 0; i < ids.length; i++) {
      a.append(i == 0 ? "" : ",").append(ids[i]);
    }
    return a.append(']');
  }

  static String sha256Hex(byte[] bytes) {
    return HexFormat.of().formatHex(TokenStore.sha256(bytes));
  }
}
