package dev.telltale.evidence;

import dev.telltale.evidence.EvidenceVerification.Reason;
import dev.telltale.key.KeyId;
import dev.telltale.key.VerificationKey;
import dev.telltale.provenance.PublicKeySet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Verifies DSSE envelopes of evidence against a {@link PublicKeySet}. Never throws on bad input:
 * every outcome is an {@link EvidenceVerification}. Strict, with no options to relax it: the
 * payload type must be in-toto (UNSUPPORTED_TYPE); every signature must name a published key
 * (UNKNOWN_KEY) and verify over the PAE (BAD_SIGNATURE); the signed statement must be well-formed
 * (MALFORMED); every input handed in must match a subject digest (DIGEST_MISMATCH). Retired keys
 * still verify: old evidence stays valid after a rotation. Immutable and thread-safe.
 */
public final class EnvelopeVerifier {
  private final PublicKeySet keys;

  private EnvelopeVerifier(PublicKeySet keys) {
    this.keys = Objects.requireNonNull(keys, "keys");
  }

  public static EnvelopeVerifier of(PublicKeySet keys) {
    return new EnvelopeVerifier(keys);
  }

  /** Parses and verifies envelope bytes. */
  public EvidenceVerification verify(byte[] envelopeJson, List<Subject> inputs) {
    Envelope e;
    try {
      e = EnvelopeReader.parse(envelopeJson);
    } catch (EvidenceFormatException ex) {
      return EvidenceVerification.of(Reason.MALFORMED, ex.getMessage());
    }
    return verify(e, inputs);
  }

  /** Signature and statement only. */
  public EvidenceVerification verify(Envelope e) {
    return verify(e, List.of());
  }

  /**
   * Signature, statement, and that each of {@code inputs} (a name and the SHA-256 of the bytes at
   * hand) has its digest among the statement's subjects.
   */
  public EvidenceVerification verify(Envelope e, List<Subject> inputs) {
    if (!Envelope.IN_TOTO.equals(e.payloadType())) {
      return EvidenceVerification.of(
          Reason.UNSUPPORTED_TYPE,
          "payload type '" + EvidenceStatement.clip(e.payloadType()) + "' is not in-toto");
    }
    if (e.signatures().isEmpty()) {
      return EvidenceVerification.of(Reason.MALFORMED, "the envelope has no signature");
    }
    byte[] pae = e.pae();
    String signer = null;
    for (Envelope.Signature s : e.signatures()) {
      Optional<VerificationKey> key = find(s.keyid());
      if (key.isEmpty()) {
        return new EvidenceVerification(
            Reason.UNKNOWN_KEY,
            Optional.of(s.keyid()),
            Optional.empty(),
            "key '" + EvidenceStatement.clip(s.keyid()) + "' is not published");
      }
      byte[] sig = s.sig();
      if (sig.length != Ed25519.SIGNATURE_SIZE
          || !key.get()
              .parameters()
              .verify(Ed25519.Algorithm.Ed25519, null, pae, 0, pae.length, sig, 0)) {
        return new EvidenceVerification(
            Reason.BAD_SIGNATURE,
            Optional.of(s.keyid()),
            Optional.empty(),
            "the signature by '" + s.keyid() + "' does not verify");
      }
      signer = signer == null ? s.keyid() : signer;
    }
    EvidenceStatement st;
    try {
      st = EnvelopeReader.statement(e);
    } catch (EvidenceFormatException ex) {
      return new EvidenceVerification(
          Reason.MALFORMED, Optional.of(signer), Optional.empty(), ex.getMessage());
    }
    EvidenceVerification ok =
        new EvidenceVerification(
            Reason.VALID, Optional.of(signer), Optional.of(st), "signed by " + signer);
    for (Subject in : inputs) {
      boolean found = st.subjects().stream().anyMatch(s -> s.sha256().equals(in.sha256()));
      if (!found) {
        return ok.with(
            Reason.DIGEST_MISMATCH,
            "'"
                + EvidenceStatement.clip(in.name())
                + "' (sha256 "
                + in.sha256()
                + ") is not a subject of the statement");
      }
    }
    return ok;
  }

  private Optional<VerificationKey> find(String keyid) {
    try {
      return keys.find(KeyId.of(keyid));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
