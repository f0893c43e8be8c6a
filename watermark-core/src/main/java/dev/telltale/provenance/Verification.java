package dev.telltale.provenance;

import dev.telltale.key.KeyId;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of verifying a provenance token against a text: a {@link Reason} code, the key id and
 * the claims when the token got far enough to yield them, and a one-line human {@code detail} (for
 * people; programs and tests look at the reason).
 */
public record Verification(
    Reason reason, Optional<KeyId> kid, Optional<ProvenanceClaims> claims, String detail) {
  /** Why a token verified or did not. */
  public enum Reason {
    /** Signature good under a published key, text matches the digest, not too old. */
    VALID,
    /** The signature does not verify under the key the token names. */
    BAD_SIGNATURE,
    /** The token names a key id that is not in the public key set. */
    UNKNOWN_KEY,
    /** The signature is good but the text is not the one that was signed. */
    DIGEST_MISMATCH,
    /** Not a well-formed token (or no single intact carrier in the text). */
    MALFORMED,
    /** The algorithm is missing or is not EdDSA (Ed25519). */
    UNSUPPORTED_ALGORITHM,
    /** Older than the policy's maximum age. */
    EXPIRED
  }

  public Verification {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(kid, "kid");
    Objects.requireNonNull(claims, "claims");
    Objects.requireNonNull(detail, "detail");
  }

  public boolean isValid() {
    return reason == Reason.VALID;
  }

  static Verification malformed(String detail) {
    return new Verification(Reason.MALFORMED, Optional.empty(), Optional.empty(), detail);
  }
}
