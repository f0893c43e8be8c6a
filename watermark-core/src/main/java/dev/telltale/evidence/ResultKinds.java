package dev.telltale.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** Recognises which command's {@code --json} output a bare result is, by its own fields. */
public final class ResultKinds {
  private ResultKinds() {}

  /**
   * A detection has {@code z_score} and {@code tokenizer}, a radioactivity test {@code mode} and
   * {@code exchanges}, a scan {@code suspect_documents}, an attribution {@code accounts} and {@code
   * correction}.
   */
  public static Optional<EvidenceKind> of(JsonNode r) {
    if (r == null || !r.isObject()) {
      return Optional.empty();
    }
    if (r.has("z_score") && r.has("tokenizer") && r.has("verdict")) {
      return Optional.of(EvidenceKind.DETECTION);
    }
    if (r.has("mode") && r.has("exchanges") && r.has("scored_tuples")) {
      return Optional.of(EvidenceKind.RADIOACTIVITY);
    }
    if (r.has("suspect_documents") && r.has("pooled_p_value")) {
      return Optional.of(EvidenceKind.SCAN);
    }
    if (r.has("accounts") && r.has("correction") && r.has("documents")) {
      return Optional.of(EvidenceKind.ATTRIBUTION);
    }
    return Optional.empty();
  }
}
