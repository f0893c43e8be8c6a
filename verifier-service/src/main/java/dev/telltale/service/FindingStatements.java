package dev.telltale.service;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.detect.DetectionPolicy;
import dev.telltale.evidence.EvidenceKind;
import dev.telltale.evidence.EvidenceStatement;
import dev.telltale.evidence.KeyCommitment;
import dev.telltale.evidence.Subject;
import dev.telltale.key.KeyId;
import dev.telltale.key.KeySet;
import dev.telltale.key.WatermarkKey;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The in-toto statements of the service's findings, built as the CLI's {@code --evidence} builds
 * them. A detection ({@link #detection}): subject the SHA-256 of the submitted text (or token ids),
 * the result exactly as answered, commitments to the best key and every key tested (one when the
 * request named {@code key_id}), and the {@code telltale detect} options that re-run it on the same
 * text (the key set, which the service holds, is not named).
 */
final class FindingStatements {
  static final String VERSION = version();

  private FindingStatements() {}

  static EvidenceStatement detection(
      KeySet keys, DetectionEngine.Request req, DetectionEngine.Outcome out) {
    List<WatermarkKey> tested =
        req.keyId().isPresent()
            ? List.of(keys.get(KeyId.of(req.keyId().get())).orElseThrow())
            : keys.keys();
    WatermarkKey best = keys.get(out.result().best().keyId()).orElseThrow();
    List<String> command = new ArrayList<>(List.of("telltale", "detect", "--json"));
    if (req.window()) {
      command.add("--window");
    }
    if (req.alpha() != DetectionPolicy.DEFAULT_ALPHA) {
      command.addAll(List.of("--alpha", Double.toString(req.alpha())));
    }
    command.addAll(List.of("--tokenizer", req.tokenizer()));
    ObjectNode dedup = JsonNodeFactory.instance.objectNode();
    dedup.put("enabled", true);
    dedup.put("scope", "text");
    dedup.put("unit", "context window and token");
    return EvidenceStatement.builder(EvidenceKind.DETECTION)
        .subject(new Subject(req.text().isPresent() ? "text" : "token-ids", out.inputSha256()))
        .method(out.result().best().scheme())
        .command(command)
        .key(KeyCommitment.of(best))
        .keysTested(tested.stream().map(KeyCommitment::of).toList())
        .dedup(dedup)
        .result(out.json())
        .softwareVersion(VERSION)
        .time(Instant.now())
        .build();
  }

  /**
   * A radioactivity test ({@code telltale radioactivity --evidence}): subject {@code answers}, the
   * SHA-256 of the request body as sent (the digest the audit row keeps), method scheme/mode of the
   * most significant key, deduplication over the run with the prompt filter, every key tested.
   */
  static EvidenceStatement radioactivity(
      KeySet keys,
      RadioactivityCheck.Request req,
      RadioactivityCheck.Outcome out,
      String bodySha256) {
    List<WatermarkKey> tested =
        req.keyId().isPresent()
            ? List.of(keys.get(KeyId.of(req.keyId().get())).orElseThrow())
            : keys.keys();
    WatermarkKey best = keys.get(out.strongest().keyId()).orElseThrow();
    ObjectNode dedup = JsonNodeFactory.instance.objectNode();
    dedup.put("enabled", true);
    dedup.put("scope", "run");
    dedup.put("unit", "context window and token");
    dedup.put("prompt_filter", req.promptFilter());
    return EvidenceStatement.builder(EvidenceKind.RADIOACTIVITY)
        .subject(new Subject("answers", bodySha256))
        .method(out.strongest().scheme() + "/" + out.strongest().mode())
        .command(
            List.of(
                "telltale",
                "radioactivity",
                "--json",
                "--prompt-filter",
                req.promptFilter(),
                "--alpha",
                Double.toString(req.alpha()),
                "--tokenizer",
                req.tokenizer()))
        .key(KeyCommitment.of(best))
        .keysTested(tested.stream().map(KeyCommitment::of).toList())
        .dedup(dedup)
        .result(out.json())
        .softwareVersion(VERSION)
        .time(Instant.now())
        .build();
  }

  /**
   * An attribution ({@code telltale attribute --evidence}): one subject per document (its id, or
   * {@code -} for a lone text, and the SHA-256 of its UTF-8 text), method {@code kgw-payload},
   * deduplication per document, the payload keys tested.
   */
  static EvidenceStatement attribution(
      KeySet keys,
      List<WatermarkKey> tested,
      AttributionCheck.Request req,
      AttributionCheck.Outcome out) {
    ObjectNode dedup = JsonNodeFactory.instance.objectNode();
    dedup.put("enabled", true);
    dedup.put("scope", "document");
    dedup.put("unit", "context window and token");
    return EvidenceStatement.builder(EvidenceKind.ATTRIBUTION)
        .subjects(
            req.documents().stream()
                .map(
                    d ->
                        Subject.of(
                            d.id(), d.text().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .toList())
        .method("kgw-payload")
        .command(
            List.of(
                "telltale",
                "attribute",
                "--json",
                "--alpha",
                Double.toString(req.alpha()),
                "--detect-alpha",
                Double.toString(req.detectAlpha()),
                "--top",
                Integer.toString(req.top()),
                "--tokenizer",
                req.tokenizer()))
        .key(KeyCommitment.of(keys.get(KeyId.of(out.keyId())).orElseThrow()))
        .keysTested(tested.stream().map(KeyCommitment::of).toList())
        .dedup(dedup)
        .result(out.json())
        .softwareVersion(VERSION)
        .time(Instant.now())
        .build();
  }

  /**
   * A corpus scan ({@code telltale scan --evidence}): subject the corpus file (a server-side path
   * as named, an upload as {@code upload.jsonl} or {@code upload.txt}) with the SHA-256 the job
   * recorded, method the best key's scheme, deduplication over the corpus, every key tested.
   */
  static EvidenceStatement scan(
      KeySet keys,
      KeySet tested,
      ScanJobs.Params p,
      String subject,
      String sha256,
      dev.telltale.forensics.ScanResult.PooledKey best,
      ObjectNode result) {
    ObjectNode dedup = JsonNodeFactory.instance.objectNode();
    dedup.put("enabled", true);
    dedup.put("scope", "corpus");
    dedup.put("unit", "context window and token");
    return EvidenceStatement.builder(EvidenceKind.SCAN)
        .subject(new Subject(subject, sha256))
        .method(best.scheme())
        .command(
            List.of(
                "telltale",
                "scan",
                "--json",
                "--field",
                p.field(),
                "--fdr",
                Double.toString(p.fdr()),
                "--tokenizer",
                dev.telltale.text.Tokenizers.CL100K_BASE,
                subject))
        .key(KeyCommitment.of(keys.get(best.keyId()).orElseThrow()))
        .keysTested(tested.keys().stream().map(KeyCommitment::of).toList())
        .dedup(dedup)
        .result(result)
        .softwareVersion(VERSION)
        .time(Instant.now())
        .build();
  }

  private static String version() {
    Properties p = new Properties();
    try (InputStream in = FindingStatements.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      return "unknown";
    }
    return p.getProperty("version", "unknown");
  }
}
