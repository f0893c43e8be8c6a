package dev.telltale.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** The four findings a report can show, each recognised from its result JSON's own fields. */
public enum ReportKind {
  DETECTION("detection"),
  SCAN("scan"),
  RADIOACTIVITY("radioactivity"),
  ATTRIBUTION("attribution");

  private static final String PREDICATE_PREFIX = "https://telltale.dev/evidence/";

  private final String label;

  ReportKind(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /** The kind of a statement's {@code predicateType}. */
  public static Optional<ReportKind> ofPredicateType(String uri) {
    for (ReportKind k : values()) {
      if ((PREDICATE_PREFIX + k.label + "/v1").equals(uri)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  /**
   * The kind of a bare result, by the fields only that command prints: a detection has {@code
   * z_score} and {@code tokenizer}, a radioactivity test {@code mode} and {@code exchanges}, a scan
   * {@code suspect_documents}, an attribution {@code accounts} and {@code correction}.
   */
  public static Optional<ReportKind> ofResult(JsonNode r) {
    if (r == null || !r.isObject()) {
      return Optional.empty();
    }
    if (r.has("z_score") && r.has("tokenizer") && r.has("verdict")) {
      return Optional.of(DETECTION);
    }
    if (r.has("mode") && r.has("exchanges") && r.has("scored_tuples")) {
      return Optional.of(RADIOACTIVITY);
    }
    if (r.has("suspect_documents") && r.has("pooled_p_value")) {
      return Optional.of(SCAN);
    }
    if (r.has("accounts") && r.has("correction") && r.has("documents")) {
      return Optional.of(ATTRIBUTION);
    }
    return Optional.empty();
  }
}
