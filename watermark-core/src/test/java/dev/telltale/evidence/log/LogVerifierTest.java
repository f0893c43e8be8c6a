package dev.telltale.evidence.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.telltale.evidence.CanonicalJson;
import dev.telltale.evidence.Envelope;
import dev.telltale.evidence.EnvelopeSigner;
import dev.telltale.evidence.EnvelopeWriter;
import dev.telltale.evidence.EvidenceFixtures;
import dev.telltale.evidence.EvidenceVerification;
import dev.telltale.evidence.EvidenceVerification.Reason;
import dev.telltale.evidence.Subject;
import dev.telltale.provenance.PublicKeySet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inclusion of envelopes under signed tree heads, and consistency between heads. */
class LogVerifierTest {
  private final EnvelopeSigner signer = EnvelopeSigner.of(EvidenceFixtures.active());
  private final PublicKeySet keys = EvidenceFixtures.publicKeys();
  private final LogVerifier verifier = LogVerifier.of(keys);

  private Envelope envelope(int i) {
    return signer.sign(
        EvidenceFixtures.statement(
            Subject.of("doc-" + i + ".txt", ("text " + i).getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void inclusionProofsOfEnvelopes(@TempDir Path dir) throws Exception {
    try (MerkleLog log = MerkleLog.over(FileLogStore.open(dir))) {
      for (int i = 0; i < 13; i++) {
        log.append(EnvelopeWriter.canonicalBytes(envelope(i)));
      }
      SignedTreeHead head = log.signTreeHead(signer, Instant.now());
      for (int i = 0; i < 13; i++) {
        LogProof proof = new LogProof(log.leafHash(i), log.inclusionProof(i, 13), head);
        LogProof back = LogProof.parse(CanonicalJson.bytes(proof.toJson()));
        EvidenceVerification v = verifier.verifyInclusion(envelope(i), back);
        assertEquals(Reason.VALID, v.reason(), v.detail());
        assertEquals(Reason.NOT_IN_LOG, verifier.verifyInclusion(envelope(i + 100), back).reason());
      }
      LogProof p = new LogProof(log.leafHash(3), log.inclusionProof(3, 13), head);
      // A tampered proof hash.
      List<byte[]> hs = new java.util.ArrayList<>(p.inclusion().hashes());
      byte[] h = hs.get(1).clone();
      h[5] ^= 1;
      hs.set(1, h);
      LogProof tampered = new LogProof(p.leafHash(), new InclusionProof(3, 13, hs), head);
      assertEquals(Reason.BAD_PROOF, verifier.verifyInclusion(envelope(3), tampered).reason());
      // A proof for another index.
      LogProof moved =
          new LogProof(p.leafHash(), new InclusionProof(4, 13, p.inclusion().hashes()), head);
      assertEquals(Reason.BAD_PROOF, verifier.verifyInclusion(envelope(3), moved).reason());
      // A tree head whose signature does not cover what it says.
      SignedTreeHead forged =
          new SignedTreeHead(13, log.root(12), head.timestamp(), head.keyId(), head.signature());
      assertEquals(
          Reason.BAD_SIGNATURE,
          verifier
              .verifyInclusion(envelope(3), new LogProof(p.leafHash(), p.inclusion(), forged))
              .reason());
      // A head signed by an unpublished key.
      SignedTreeHead stranger =
          SignedTreeHead.sign(
              13, head.rootHash(), Instant.now(), EnvelopeSigner.of(EvidenceFixtures.stranger()));
      assertEquals(
          Reason.UNKNOWN_KEY,
          verifier
              .verifyInclusion(envelope(3), new LogProof(p.leafHash(), p.inclusion(), stranger))
              .reason());
    }
  }

  @Test
  void consistencyOfHeads() throws Exception {
    MerkleLog log = MerkleLog.over(new InMemoryLogStore());
    for (int i = 0; i < 6; i++) {
      log.append(EnvelopeWriter.canonicalBytes(envelope(i)));
    }
    SignedTreeHead old = log.signTreeHead(signer, Instant.parse("2026-11-23T00:00:00Z"));
    for (int i = 6; i < 11; i++) {
      log.append(EnvelopeWriter.canonicalBytes(envelope(i)));
    }
    SignedTreeHead now = log.signTreeHead(signer, Instant.parse("2026-11-23T01:00:00Z"));
    ConsistencyProof proof = log.consistencyProof(6, 11);
    assertEquals(Reason.VALID, verifier.verifyConsistency(old, now, proof).reason());
    ConsistencyProof back = ConsistencyProof.fromJson(proof.toJson());
    assertEquals(Reason.VALID, verifier.verifyConsistency(old, now, back).reason());

    // The operator rewrites entry 2 and signs a new head over the forged history.
    MerkleLog forged = MerkleLog.over(new InMemoryLogStore());
    for (int i = 0; i < 11; i++) {
      forged.append(EnvelopeWriter.canonicalBytes(envelope(i == 2 ? 99 : i)));
    }
    SignedTreeHead forgedHead = forged.signTreeHead(signer, Instant.parse("2026-11-23T02:00:00Z"));
    assertEquals(
        Reason.INCONSISTENT,
        verifier.verifyConsistency(old, forgedHead, forged.consistencyProof(6, 11)).reason());
    assertEquals(
        Reason.MALFORMED,
        verifier.verifyConsistency(old, now, log.consistencyProof(5, 11)).reason());
  }
}
