package dev.telltale.evidence.report;

import java.util.Objects;

/**
 * What the report says about the signature of the finding it shows: {@code VALID}, a verification
 * reason code, "signature not checked" (an envelope read without public keys) or "unsigned result"
 * (a bare result JSON).
 *
 * @param code {@code VALID}, a reason code such as {@code BAD_SIGNATURE}, {@code NOT_CHECKED} or
 *     {@code UNSIGNED}
 * @param detail one line for people (which key signed, or why it failed); no key material
 */
public record SignatureStatus(String code, String detail) {
  public static final String NOT_CHECKED = "NOT_CHECKED";
  public static final String UNSIGNED = "UNSIGNED";
  public static final String VALID = "VALID";

  public SignatureStatus {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(detail, "detail");
  }

  public static SignatureStatus valid(String keyId) {
    return new SignatureStatus(VALID, "signed by " + keyId + "; the signature verifies");
  }

  public static SignatureStatus notChecked() {
    return new SignatureStatus(NOT_CHECKED, "give telltale report --public KEYS.json to check it");
  }

  public static SignatureStatus unsigned() {
    return new SignatureStatus(UNSIGNED, "a bare result JSON, not a signed evidence envelope");
  }

  /** The words the report shows as the status headline. */
  public String headline() {
    return switch (code) {
      case VALID -> "VALID";
      case NOT_CHECKED -> "signature not checked";
      case UNSIGNED -> "unsigned result";
      default -> "INVALID: " + code;
    };
  }
}
