package dev.telltale.evidence.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telltale.evidence.EvidenceKind;
import dev.telltale.evidence.EvidenceStatement;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a report shows.
 *
 * @param kind what the result is
 * @param result the object the CLI's {@code --json} prints for that command
 * @param statement the in-toto statement the result came in, when read from an envelope
 * @param signature the envelope's signature status
 * @param explain per-token marks recomputed from the text and key, when the result has none
 * @param source the input file's name as the user gave it
 * @param reverifyFiles the files the re-verify command names, when they are not {@code source} and
 *     {@code PUBLIC-KEYS.json} (a finding served by the verifier service)
 */
public record ReportInput(
    EvidenceKind kind,
    JsonNode result,
    Optional<EvidenceStatement> statement,
    SignatureStatus signature,
    Optional<JsonNode> explain,
    String source,
    Optional<ReverifyFiles> reverifyFiles) {
  public ReportInput {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(statement, "statement");
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(explain, "explain");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(reverifyFiles, "reverifyFiles");
  }

  /** A bare result JSON: unsigned, no statement. */
  public static ReportInput ofResult(EvidenceKind kind, JsonNode result, String source) {
    return new ReportInput(
        kind,
        result,
        Optional.empty(),
        SignatureStatus.unsigned(),
        Optional.empty(),
        source,
        Optional.empty());
  }

  /** The statement of an envelope read from {@code source}, with its signature status. */
  public static ReportInput ofStatement(
      EvidenceStatement statement, SignatureStatus signature, String source) {
    return new ReportInput(
        statement.kind(),
        statement.result(),
        Optional.of(statement),
        signature,
        Optional.empty(),
        source,
        Optional.empty());
  }

  public ReportInput withExplain(JsonNode marks) {
    return new ReportInput(
        kind, result, statement, signature, Optional.of(marks), source, reverifyFiles);
  }

  /** The same report, telling the reader to re-verify with {@code files}. */
  public ReportInput withReverifyFiles(ReverifyFiles files) {
    return new ReportInput(kind, result, statement, signature, explain, source, Optional.of(files));
  }

  /** The per-token marks: the result's own {@code explain}, else the recomputed ones. */
  public Optional<JsonNode> marks() {
    JsonNode own = result.get("explain");
    if (own != null && own.isObject()) {
      return Optional.of(own);
    }
    return explain;
  }
}
