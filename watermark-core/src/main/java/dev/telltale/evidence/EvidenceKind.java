package dev.telltale.evidence;

import java.util.Optional;

/** The kinds of finding a statement can carry, each with its own predicate type URI. */
public enum EvidenceKind {
  DETECTION("detection"),
  SCAN("scan"),
  RADIOACTIVITY("radioactivity"),
  ATTRIBUTION("attribution");

  private static final String PREFIX = "https://telltale.dev/evidence/";
  private static final String SUFFIX = "/v1";

  private final String label;

  EvidenceKind(String label) {
    this.label = label;
  }

  /** The short name: detection, scan, radioactivity, attribution. */
  public String label() {
    return label;
  }

  /** {@code https://telltale.dev/evidence/<kind>/v1}. */
  public String predicateType() {
    return PREFIX + label + SUFFIX;
  }

  public static Optional<EvidenceKind> fromPredicateType(String uri) {
    for (EvidenceKind k : values()) {
      if (k.predicateType().equals(uri)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }
}
