package dev.telltale.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.detect.DetectionPolicy;
import dev.telltale.forensics.attribution.AttributionJson;
import dev.telltale.forensics.attribution.AttributionPolicy;
import dev.telltale.forensics.attribution.CorpusAttribution;
import dev.telltale.forensics.attribution.DocumentAttribution;
import dev.telltale.forensics.attribution.KeySetAttribution;
import dev.telltale.key.KeyId;
import dev.telltale.key.KeySet;
import dev.telltale.key.WatermarkKey;
import dev.telltale.text.Deadline;
import dev.telltale.text.DetectionNormalizer;
import dev.telltale.text.Tokenizers;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The attribution route's work: which account's payload a text (or each of a few documents)
 * carries, under the service's payload keys, answered with {@link AttributionJson}, the object
 * {@code telltale attribute --json} prints. Blocking (CPU): call it off the event loop.
 */
final class AttributionCheck {
  /**
   * Documents per request; the rate limit charges one unit per request, so this bounds the work.
   */
  static final int MAX_DOCUMENTS = 100;

  /** The name of a lone {@code text} in the answer: what the CLI prints for stdin. */
  static final String STDIN_NAME = "-";

  private final KeySet keys;
  private final int maxTextChars;
  private final ConcurrentHashMap<RunKey, KeySetAttribution> runs = new ConcurrentHashMap<>();

  private final ServiceTokenizers tokenizers;

  AttributionCheck(KeySet keys, int maxTextChars) {
    this(keys, maxTextChars, ServiceTokenizers.builtIn());
  }

  /** With the configured tokenizer files ({@code tokenizers.files}) besides the built-in ones. */
  AttributionCheck(KeySet keys, int maxTextChars, ServiceTokenizers tokenizers) {
    this.keys = keys;
    this.maxTextChars = maxTextChars;
    this.tokenizers = tokenizers;
  }

  /** One document of a request: its name in the answer and its text. */
  record Document(String id, String text) {}

  /** A request that passed the AttributionRequest schema. */
  record Request(
      List<Document> documents,
      boolean single,
      Optional<String> keyId,
      double alpha,
      double detectAlpha,
      int top,
      String tokenizer) {

    static Request fromJson(JsonNode n) {
      List<Document> docs = new ArrayList<>();
      boolean single = n.has("text");
      if (single) {
        docs.add(new Document(STDIN_NAME, n.get("text").textValue()));
      } else {
        HashSet<String> seen = new HashSet<>();
        for (JsonNode d : n.get("documents")) {
          String id = d.get("id").textValue();
          if (!seen.add(id)) {
            throw ProblemException.badRequest(
                "duplicate-document-id", "document id '" + id + "' appears more than once");
          }
          docs.add(new Document(id, d.get("text").textValue()));
        }
      }
      return new Request(
          List.copyOf(docs),
          single,
          n.has("key_id") ? Optional.of(n.get("key_id").textValue()) : Optional.empty(),
          n.has("alpha") ? n.get("alpha").doubleValue() : AttributionPolicy.DEFAULT_ALPHA,
          n.has("detect_alpha")
              ? n.get("detect_alpha").doubleValue()
              : DetectionPolicy.DEFAULT_ALPHA,
          n.has("top") ? n.get("top").intValue() : AttributionPolicy.DEFAULT_CANDIDATES,
          n.has("tokenizer") ? n.get("tokenizer").textValue() : Tokenizers.CL100K_BASE);
    }
  }

  /** The answer and what the audit log keeps of it. */
  record Outcome(ObjectNode json, CorpusAttribution corpus, int tokens, String inputSha256) {
    /** The key of the document whose zero-bit test is most significant. */
    String keyId() {
      return corpus.documents().stream()
          .min(Comparator.comparingDouble(d -> d.zeroBit().log10PValue()))
          .orElseThrow()
          .zeroBit()
          .keyId()
          .value();
    }

    /** The most significant named account, if any. */
    Optional<CorpusAttribution.AccountFinding> strongest() {
      return corpus.accounts().stream().findFirst();
    }
  }

  Outcome attribute(Request r) {
    return attribute(r, Deadline.NONE);
  }

  /** Attributes, checking {@code deadline} while tokenising and between documents. */
  Outcome attribute(Request r, Deadline deadline) {
    long chars = r.documents().stream().mapToLong(d -> d.text().length()).sum();
    if (chars > maxTextChars) {
      throw new ProblemException(
          413,
          "text-too-long",
          "Content too large",
          "the documents have " + chars + " characters in all; the limit is " + maxTextChars);
    }
    KeySetAttribution run = run(r);
    List<DocumentAttribution> docs = new ArrayList<>(r.documents().size());
    List<String> names = new ArrayList<>(r.documents().size());
    int tokens = 0;
    for (Document d : r.documents()) {
      // As run.attributeText(d.text()) does, with the deadline checked while tokenising.
      int[] ids = run.tokenizer().encode(DetectionNormalizer.normalize(d.text()), deadline);
      deadline.check();
      DocumentAttribution a = run.attributeTokens(ids, 0, ids.length);
      docs.add(a);
      names.add(d.id());
      tokens += a.zeroBit().tokens();
    }
    CorpusAttribution corpus = run.combine(docs);
    return new Outcome(AttributionJson.of(run, names, corpus), corpus, tokens, inputDigest(r));
  }

  /**
   * The attribution run for the request's keys and levels. Runs at the default levels are kept (one
   * per key choice and tokenizer, bounded because unknown key ids are refused first); other levels
   * get a fresh run.
   */
  private KeySetAttribution run(Request r) {
    List<WatermarkKey> payloadKeys = payloadKeys(r.keyId());
    RunKey k = new RunKey(r.keyId(), r.tokenizer(), r.alpha(), r.detectAlpha(), r.top());
    boolean defaults =
        r.alpha() == AttributionPolicy.DEFAULT_ALPHA
            && r.detectAlpha() == DetectionPolicy.DEFAULT_ALPHA
            && r.top() == AttributionPolicy.DEFAULT_CANDIDATES;
    try {
      if (defaults) {
        return runs.computeIfAbsent(k, x -> newRun(payloadKeys, r));
      }
      return newRun(payloadKeys, r);
    } catch (IllegalArgumentException e) {
      // Levels the schema admits but the policy refuses (none today); the message names the value.
      throw ProblemException.badRequest("bad-parameter", e.getMessage());
    }
  }

  private KeySetAttribution newRun(List<WatermarkKey> payloadKeys, Request r) {
    return KeySetAttribution.of(
        payloadKeys, tokenizers.get(r.tokenizer()), r.alpha(), r.detectAlpha(), r.top());
  }

  private record RunKey(
      Optional<String> keyId, String tokenizer, double alpha, double detectAlpha, int top) {}

  /**
   * The payload keys to attribute with: the named key (404 when unknown, 422 when it has no payload
   * layer) or every payload key of the key set (422 when there is none).
   */
  List<WatermarkKey> payloadKeys(Optional<String> keyId) {
    if (keyId.isPresent()) {
      WatermarkKey k =
          keys.get(KeyId.of(keyId.get()))
              .orElseThrow(
                  () -> ProblemException.notFound("unknown-key", "no key with this key_id"));
      if (!KeySetAttribution.hasPayload(k)) {
        throw new ProblemException(
            422,
            "no-payload-layer",
            "Key has no account payload",
            "key '"
                + k.id().value()
                + "' has no account payload layer (payload_bits): only keys created with"
                + " --payload-bits can name an account");
      }
      return List.of(k);
    }
    List<WatermarkKey> all = KeySetAttribution.payloadKeys(keys);
    if (all.isEmpty()) {
      throw new ProblemException(
          422,
          "no-payload-layer",
          "No key has an account payload",
          "the service's key set has no key with an account payload layer (payload_bits)");
    }
    return all;
  }

  /**
   * The audit digest: SHA-256 of the UTF-8 text for a lone {@code text} (equal to the digest {@code
   * /v1/detect} records for it); for {@code documents}, of each document in order as the id's UTF-8
   * length (4 bytes, big-endian), the id, the text's UTF-8 length (8 bytes) and the text, so no
   * other list of documents has the same encoding.
   */
  static String inputDigest(Request r) {
    if (r.single()) {
      return DetectionEngine.sha256Hex(
          r.documents().get(0).text().getBytes(StandardCharsets.UTF_8));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Document d : r.documents()) {
      byte[] id = d.id().getBytes(StandardCharsets.UTF_8);
      byte[] text = d.text().getBytes(StandardCharsets.UTF_8);
      out.writeBytes(ByteBuffer.allocate(4).putInt(id.length).array());
      out.writeBytes(id);
      out.writeBytes(ByteBuffer.allocate(8).putLong(text.length).array());
      out.writeBytes(text);
    }
    return DetectionEngine.sha256Hex(out.toByteArray());
  }
}
