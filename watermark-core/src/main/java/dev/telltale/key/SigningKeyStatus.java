package dev.telltale.key;

/** Life-cycle state of a signing key: the active key signs; retired keys only verify. */
public enum SigningKeyStatus {
  ACTIVE("active"),
  RETIRED("retired");

  private final String label;

  SigningKeyStatus(String label) {
    this.label = label;
  }

  /** The lower-case name used in key files and public key documents. */
  public String label() {
    return label;
  }

  /** Parses {@link #label()}; empty when {@code label} is not a status. */
  public static java.util.Optional<SigningKeyStatus> fromLabel(String label) {
    for (SigningKeyStatus s : values()) {
      if (s.label.equals(label)) {
        return java.util.Optional.of(s);
      }
    }
    return java.util.Optional.empty();
  }
}
