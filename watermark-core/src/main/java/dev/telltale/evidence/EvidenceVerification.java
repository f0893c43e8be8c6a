package dev.telltale.evidence;

import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of checking evidence: a {@link Reason} code, the signing key id and the statement
 * when the check got far enough to yield them, and a one-line {@code detail} for people (programs
 * and tests look at the reason).
 */
public record EvidenceVerification(
    Reason reason, Optional<String> keyId, Optional<EvidenceStatement> statement, String detail) {
  /**
   * Why evidence verified or did not. The first six mirror the provenance token reasons ({@code
   * dev.telltale.provenance.Verification.Reason}); the rest are about the log and re-runs.
   */
  public enum Reason {
    /** Every check asked for passed. */
    VALID,
    /** A signature (of the envelope or of a tree head) does not verify under the named key. */
    BAD_SIGNATURE,
    /** A signature names a key id that is not in the public key set. */
    UNKNOWN_KEY,
    /** A given input's SHA-256 is not among the statement's subjects. */
    DIGEST_MISMATCH,
    /** Not a well-formed envelope, statement, proof or tree head. */
    MALFORMED,
    /** The envelope's payload type is not an in-toto statement. */
    UNSUPPORTED_TYPE,
    /** The inclusion proof does not lead from the envelope to the tree head's root. */
    BAD_PROOF,
    /** The envelope is not in the log. */
    NOT_IN_LOG,
    /** Two tree heads are not consistent: the log's history was rewritten. */
    INCONSISTENT,
    /**
     * The log's files are damaged or were altered: a record's checksum, a leaf hash that is not its
     * entry's, or stored hashes that do not give the latest signed root.
     */
    LOG_CORRUPTED,
    /** The watermark key given for a re-run is not the key the statement commits to. */
    KEY_MISMATCH,
    /** Re-running the recorded command gave a different result. */
    RERUN_MISMATCH
  }

  public EvidenceVerification {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(statement, "statement");
    Objects.requireNonNull(detail, "detail");
  }

  public boolean isValid() {
    return reason == Reason.VALID;
  }

  public static EvidenceVerification of(Reason reason, String detail) {
    return new EvidenceVerification(reason, Optional.empty(), Optional.empty(), detail);
  }

  /** This outcome with another reason and detail, keeping key id and statement. */
  public EvidenceVerification with(Reason r, String d) {
    return new EvidenceVerification(r, keyId, statement, d);
  }
}
