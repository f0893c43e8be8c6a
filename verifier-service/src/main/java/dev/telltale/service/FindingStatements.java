package dev.telltale.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.detect.DedupUnit;
import dev.telltale.evidence.EvidenceKind;
import dev.telltale.evidence.EvidenceStatement;
import dev.telltale.evidence.ExchangesFile;
import dev.telltale.evidence.KeyCommitment;
import dev.telltale.evidence.RerunCommand;
import dev.telltale.evidence.Subject;
import dev.telltale.key.KeyId;
import dev.telltale.key.KeySet;
import dev.telltale.key.WatermarkKey;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

/**
 * The in-toto statements of the service's findings, built as the CLI's {@code --evidence} builds
 * them. A detection ({@link #detection}): subject the SHA-256 of the submitted text (or token ids),
 * the result exactly as answered, commitments to the best key and every key tested (one when the
 * request named {@code key_id}), and the {@code telltale detect} command that re-runs it on the
 * same text ({@link RerunCommand}: the key set is {@code KEYS.json}, the re-verifier's, and the
 * input is the file named after the subject).
 */
final class FindingStatements {
  static final String VERSION = version();

  /**
   * The subject name of token ids sent to {@code /v1/detect}: its digest is that of the ids written
   * as a compact JSON array ({@code [1,2,3]}), or with {@code prompt_ids} as the compact object
   * {@code {"prompt_ids":[1,2],"ids":[3]}} ({@link DetectionEngine#idsFile}), the file {@code
   * telltale detect --ids} re-reads.
   */
  static final String TOKEN_IDS_FILE = "token-ids.json";

  private FindingStatements() {}

  static EvidenceStatement detection(
      KeySet keys, DetectionEngine.Request req, DetectionEngine.Outcome out) {
    return detection(keys, req, out, java.util.Optional.empty());
  }

  /**
   * With the service's configured spoofing-check reference: the command names it by its file name
   * ({@code --spread-reference NAME}), which the re-verifier puts next to the subject; the result's
   * {@code spread_check.reference} carries its digest.
   */
  static EvidenceStatement detection(
      KeySet keys,
      DetectionEngine.Request req,
      DetectionEngine.Outcome out,
      java.util.Optional<java.nio.file.Path> spreadFile) {
    List<WatermarkKey> tested =
        req.keyId().isPresent()
            ? List.of(keys.get(KeyId.of(req.keyId().get())).orElseThrow())
            : keys.keys();
    WatermarkKey best = keys.get(out.result().best().keyId()).orElseThrow();
    RerunCommand.Builder command =
        RerunCommand.builder(EvidenceKind.DETECTION)
            .keyId(req.keyId())
            .flag("--window", req.window())
            .flag("--explain", req.explain())
            .flag("--case-insensitive", req.caseInsensitive())
            .option("--alpha", Double.toString(req.alpha()))
            .option("--tokenizer", req.tokenizer());
    spreadFile.ifPresent(p -> command.option("--spread-reference", p.getFileName().toString()));
    String subject = req.text().isPresent() ? "text" : TOKEN_IDS_FILE;
    if (req.text().isPresent()) {
      command.input(subject);
    } else {
      command.idsInput(subject);
    }
    ObjectNode dedup = DedupUnit.block(DedupUnit.Scope.TEXT, true, best, tested);
    return EvidenceStatement.builder(EvidenceKind.DETECTION)
        .subject(new Subject(subject, out.inputSha256()))
        .method(out.result().best().scheme())
        .command(command.build())
        .key(KeyCommitment.of(best))
        .keysTested(tested.stream().map(KeyCommitment::of).toList())
        .dedup(dedup)
        .result(out.json())
        .softwareVersion(VERSION)
        .time(Instant.now())
        .build();
  }

  /**
   * A radioactivity test ({@code telltale radioactivity --evidence}): subject {@code
   * answers.jsonl}, the SHA-256 of the request's exchanges written as the JSONL file the recorded
   * command reads ({@link ExchangesFile}), method scheme/mode of the most significant key,
   * deduplication over the run with the prompt filter, the keys tested (the named one alone for a
   * {@code key_id}).
   */
  static EvidenceStatement radioactivity(
      KeySet keys, RadioactivityCheck.Request req, RadioactivityCheck.Outcome out) {
    List<WatermarkKey> tested =
        req.keyId().isPresent()
            ? List.of(keys.get(KeyId.of(req.keyId().get())).orElseThrow())
            : keys.keys();
    WatermarkKey best = keys.get(out.strongest().keyId()).orElseThrow();
    ObjectNode dedup = DedupUnit.block(DedupUnit.Scope.RUN, true, best, tested);
    dedup.put("prompt_filter", req.promptFilter());
    return EvidenceStatement.builder(EvidenceKind.RADIOACTIVITY)
        .subject(Subject.of(ExchangesFile.NAME, ExchangesFile.bytes(exchanges(req))))
        .method(out.strongest().scheme() + "/" + out.strongest().mode())
        .command(
            RerunCommand.builder(EvidenceKind.RADIOACTIVITY)
                .keyId(req.keyId())
                .option("--prompt-filter", req.promptFilter())
                .option("--alpha", Double.toString(req.alpha()))
                .option("--tokenizer", req.tokenizer())
                .input(ExchangesFile.NAME)
                .build())
        .key(KeyCommitment.of(best))
        .keysTested(tested.stream().map(KeyCommitment::of).toList())
        .dedup(dedup)
        .result(out.json())
        .softwareVersion(VERSION)
        .time(Instant.now())
        .build();
  }

  private static List<ExchangesFile.Exchange> exchanges(RadioactivityCheck.Request req) {
    return req.answers().stream()
        .map(a -> new ExchangesFile.Exchange(a.prompt(), a.answer()))
        .toList();
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
    WatermarkKey named = keys.get(KeyId.of(out.keyId())).orElseThrow();
    ObjectNode dedup = DedupUnit.block(DedupUnit.Scope.DOCUMENT, true, named, tested);
    return EvidenceStatement.builder(EvidenceKind.ATTRIBUTION)
        .subjects(
            req.documents().stream()
                .map(
                    d ->
                        Subject.of(
                            d.id(), d.text().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .toList())
        .method("kgw-payload")
        .command(attributeCommand(req))
        .key(KeyCommitment.of(named))
        .keysTested(tested.stream().map(KeyCommitment::of).toList())
        .dedup(dedup)
        .result(out.json())
        .softwareVersion(VERSION)
        .time(Instant.now())
        .build();
  }

  /**
   * {@code telltale attribute} with the request's options and one input per document, named by its
   * id, in the request's order; a lone {@code text} is standard input ({@code -}), as its name in
   * the answer says.
   */
  private static List<String> attributeCommand(AttributionCheck.Request req) {
    RerunCommand.Builder b =
        RerunCommand.builder(EvidenceKind.ATTRIBUTION)
            .keyId(req.keyId())
            .option("--alpha", Double.toString(req.alpha()))
            .option("--detect-alpha", Double.toString(req.detectAlpha()))
            .option("--top", Integer.toString(req.top()))
            .option("--tokenizer", req.tokenizer());
    req.documents().forEach(d -> b.input(d.id()));
    return b.build();
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
      dev.telltale.forensics.scan.ScanResult.PooledKey best,
      ObjectNode result) {
    WatermarkKey named = keys.get(best.keyId()).orElseThrow();
    ObjectNode dedup = DedupUnit.block(DedupUnit.Scope.CORPUS, true, named, tested.keys());
    return EvidenceStatement.builder(EvidenceKind.SCAN)
        .subject(new Subject(subject, sha256))
        .method(best.scheme())
        .command(
            RerunCommand.builder(EvidenceKind.SCAN)
                .keyId(p.keyId())
                .option("--field", p.field())
                .option("--fdr", Double.toString(p.fdr()))
                .option("--tokenizer", p.tokenizer())
                .input(subject)
                .build())
        .key(KeyCommitment.of(named))
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
