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
 * The in-toto statement of a service detection, built as {@code telltale detect --evidence} builds
 * it: subject the SHA-256 of the submitted text (or token ids), the result exactly as answered,
 * commitments to the best key and every key tested (one when the request named {@code key_id}), and
 * the {@code telltale detect} options that re-run it on the same text (the key set, which the
 * service holds, is not named).
 */
final class DetectionEvidence {
  static final String VERSION = version();

  private DetectionEvidence() {}

  static EvidenceStatement statement(
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

  private static String version() {
    Properties p = new Properties();
    try (InputStream in = DetectionEvidence.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      return "unknown";
    }
    return p.getProperty("version", "unknown");
  }
}
