package dev.telltale.evidence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.TestKeys;
import dev.telltale.evidence.EvidenceVerification.Reason;
import dev.telltale.key.KeyId;
import dev.telltale.key.SigningKeyStatus;
import dev.telltale.provenance.PublicKeySet;
import dev.telltale.scheme.GreenListParameters;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnvelopeTest {
  private final EnvelopeSigner signer = EnvelopeSigner.of(EvidenceFixtures.active());
  private final EnvelopeVerifier verifier = EnvelopeVerifier.of(EvidenceFixtures.publicKeys());
  private final Subject subject =
      Subject.of(EvidenceFixtures.SUBJECT, EvidenceFixtures.SUBJECT_BYTES);

  @Test
  void paeIsTheDsseV1Encoding() {
    // The example of the DSSE protocol document.
    assertEquals(
        "DSSEv1 29 http://example.com/HelloWorld 11 hello world",
        new String(
            Envelope.pae(
                "http://example.com/HelloWorld", "hello world".getBytes(StandardCharsets.UTF_8)),
            StandardCharsets.UTF_8));
  }

  @Test
  void signedStatementVerifiesAndRoundTrips() throws Exception {
    EvidenceStatement st = EvidenceFixtures.statement(subject);
    Envelope e = signer.sign(st);
    byte[] file = EnvelopeWriter.fileBytes(e);
    Envelope back = EnvelopeReader.parse(file);
    assertEquals(e, back);
    EvidenceVerification v = verifier.verify(back, List.of(subject));
    assertEquals(Reason.VALID, v.reason(), v.detail());
    assertEquals(st, v.statement().orElseThrow());
    assertEquals("evidence-2026", v.keyId().orElseThrow());
    // The payload is the canonical statement, so re-signing gives the same bytes.
    assertArrayEquals(file, EnvelopeWriter.fileBytes(signer.sign(st)));
    assertArrayEquals(st.toCanonicalBytes(), e.payload());
  }

  @Test
  void everyPayloadByteIsCovered() {
    Envelope e = signer.sign(EvidenceFixtures.statement(subject));
    byte[] payload = e.payload();
    for (int i = 0; i < payload.length; i++) {
      byte[] p = payload.clone();
      p[i] ^= 0x20;
      Envelope t = new Envelope(e.payloadType(), p, e.signatures());
      assertEquals(Reason.BAD_SIGNATURE, verifier.verify(t).reason(), "byte " + i);
    }
  }

  @Test
  void everySignatureBitIsCovered() {
    Envelope e = signer.sign(EvidenceFixtures.statement(subject));
    byte[] sig = e.signatures().get(0).sig();
    for (int bit = 0; bit < sig.length * 8; bit += 7) {
      byte[] s = sig.clone();
      s[bit / 8] ^= (byte) (1 << (bit % 8));
      Envelope t =
          new Envelope(
              e.payloadType(), e.payload(), List.of(new Envelope.Signature("evidence-2026", s)));
      assertEquals(Reason.BAD_SIGNATURE, verifier.verify(t).reason(), "bit " + bit);
    }
  }

  @Test
  void thePayloadTypeIsSigned() {
    Envelope e = signer.sign(EvidenceFixtures.statement(subject));
    Envelope t = new Envelope(Envelope.IN_TOTO + "x", e.payload(), e.signatures());
    assertEquals(Reason.UNSUPPORTED_TYPE, verifier.verify(t).reason());
  }

  @Test
  void unknownKeyAndRenamedKeyId() {
    Envelope e =
        EnvelopeSigner.of(EvidenceFixtures.stranger()).sign(EvidenceFixtures.statement(subject));
    assertEquals(Reason.UNKNOWN_KEY, verifier.verify(e).reason());
    // Claiming the published key's id does not help a stranger.
    Envelope renamed =
        new Envelope(
            e.payloadType(),
            e.payload(),
            List.of(new Envelope.Signature("evidence-2026", e.signatures().get(0).sig())));
    assertEquals(Reason.BAD_SIGNATURE, verifier.verify(renamed).reason());
  }

  @Test
  void retiredKeysStillVerify() {
    Envelope e = signer.sign(EvidenceFixtures.statement(subject));
    PublicKeySet retired =
        PublicKeySet.of(
            List.of(
                EvidenceFixtures.active().verificationKey().withStatus(SigningKeyStatus.RETIRED)));
    assertEquals(Reason.VALID, EnvelopeVerifier.of(retired).verify(e).reason());
  }

  @Test
  void subjectDigestsAreChecked() {
    Envelope e = signer.sign(EvidenceFixtures.statement(subject));
    Subject edited =
        Subject.of(
            EvidenceFixtures.SUBJECT,
            "The Commission's proposal.\n".getBytes(StandardCharsets.UTF_8));
    assertEquals(Reason.DIGEST_MISMATCH, verifier.verify(e, List.of(edited)).reason());
    assertEquals(Reason.VALID, verifier.verify(e, List.of(subject)).reason());
  }

  @Test
  void readerIsStrict() {
    for (String bad :
        new String[] {
          "",
          "[]",
          "{}",
          "{\"payloadType\":\"a\",\"payload\":\"\",\"signatures\":[]}",
          "{\"payloadType\":\"a\",\"payload\":\"!!\",\"signatures\":[{\"sig\":\"AA==\"}]}",
          "{\"payloadType\":\"a\",\"payloadType\":\"b\",\"payload\":\"\",\"signatures\":[{\"sig\":\"\"}]}",
          "{\"payloadType\":1,\"payload\":\"\",\"signatures\":[{\"sig\":\"\"}]}",
          "{\"payloadType\":\"a\",\"payload\":\"AB==\",\"signatures\":[{\"sig\":\"\"}]}",
          "{\"payloadType\":\"a\",\"payload\":\"\",\"signatures\":[{\"sig\":\"\"}]} x"
        }) {
      assertThrows(
          EvidenceFormatException.class,
          () -> EnvelopeReader.parse(bad.getBytes(StandardCharsets.UTF_8)),
          bad);
    }
  }

  @Test
  void keyCommitmentBindsTheKeyWithoutRevealingIt() {
    var key = TestKeys.key(7, GreenListParameters.defaults());
    KeyCommitment c = KeyCommitment.of(key);
    assertTrue(c.matches(key));
    assertFalse(c.matches(TestKeys.key(8, GreenListParameters.defaults())));
    assertEquals(c, KeyCommitment.of(key));
    assertEquals(KeyId.of("test-7").value(), c.keyId());
    assertEquals(0.25, c.parameters().get("gamma").doubleValue());
    assertFalse(c.toJson().toString().contains("secret"));
  }
}
