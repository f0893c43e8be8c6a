package dev.telltale.evidence.log;

import dev.telltale.evidence.Envelope;
import dev.telltale.evidence.EnvelopeWriter;
import dev.telltale.evidence.EvidenceVerification;
import dev.telltale.evidence.EvidenceVerification.Reason;
import dev.telltale.provenance.PublicKeySet;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * Checks log evidence offline against published keys: that an envelope is in the log under a signed
 * tree head, and that two signed tree heads are consistent. Never throws on bad input.
 */
public final class LogVerifier {
  private final PublicKeySet keys;

  private LogVerifier(PublicKeySet keys) {
    this.keys = Objects.requireNonNull(keys, "keys");
  }

  public static LogVerifier of(PublicKeySet keys) {
    return new LogVerifier(keys);
  }

  /**
   * VALID when {@code proof}'s tree head is signed by a published key (else UNKNOWN_KEY or
   * BAD_SIGNATURE), the proof is for the leaf hash of {@code envelope}'s canonical bytes (else
   * NOT_IN_LOG: the proof is about another entry) and leads to the head's root (else BAD_PROOF).
   */
  public EvidenceVerification verifyInclusion(Envelope envelope, LogProof proof) {
    EvidenceVerification head = proof.treeHead().verify(keys);
    if (!head.isValid()) {
      return head;
    }
    byte[] leaf = MerkleHash.leaf(EnvelopeWriter.canonicalBytes(envelope));
    if (!MessageDigest.isEqual(leaf, proof.leafHash())) {
      return EvidenceVerification.of(
          Reason.NOT_IN_LOG, "the proof is for another entry than this envelope");
    }
    InclusionProof p = proof.inclusion();
    if (p.treeSize() != proof.treeHead().treeSize()) {
      return EvidenceVerification.of(
          Reason.BAD_PROOF,
          "the proof is for a tree of "
              + p.treeSize()
              + " entries, the head covers "
              + proof.treeHead().treeSize());
    }
    if (!p.verify(leaf, proof.treeHead().rootHash())) {
      return EvidenceVerification.of(
          Reason.BAD_PROOF, "the inclusion proof does not lead to the signed root");
    }
    return EvidenceVerification.of(
        Reason.VALID,
        "entry "
            + p.leafIndex()
            + " of the log of "
            + p.treeSize()
            + " entries signed by "
            + proof.treeHead().keyId()
            + " at "
            + proof.treeHead().timestamp());
  }

  /**
   * VALID when both heads are signed by published keys and {@code proof} shows the later extends
   * the earlier; INCONSISTENT when it does not (the history was rewritten, or the proof is bad).
   */
  public EvidenceVerification verifyConsistency(
      SignedTreeHead first, SignedTreeHead second, ConsistencyProof proof) {
    for (SignedTreeHead h : new SignedTreeHead[] {first, second}) {
      EvidenceVerification v = h.verify(keys);
      if (!v.isValid()) {
        return v;
      }
    }
    if (proof.firstSize() != first.treeSize() || proof.secondSize() != second.treeSize()) {
      return EvidenceVerification.of(
          Reason.MALFORMED, "the proof's sizes are not the tree heads' sizes");
    }
    if (!proof.verify(first.rootHash(), second.rootHash())) {
      return EvidenceVerification.of(
          Reason.INCONSISTENT,
          "the tree of "
              + second.treeSize()
              + " entries does not extend the tree of "
              + first.treeSize());
    }
    return EvidenceVerification.of(
        Reason.VALID,
        "the tree of " + second.treeSize() + " entries extends the tree of " + first.treeSize());
  }
}
