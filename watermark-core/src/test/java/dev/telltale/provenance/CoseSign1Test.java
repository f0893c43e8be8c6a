package dev.telltale.provenance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.key.KeyId;
import dev.telltale.key.SecretAccess;
import dev.telltale.key.SecretBytes;
import dev.telltale.key.SigningKey;
import dev.telltale.key.SigningKeyStatus;
import dev.telltale.provenance.CborDecoder.Bytes;
import dev.telltale.provenance.Verification.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.junit.jupiter.api.Test;

/**
 * Reproduces the COSE working group's Ed25519 COSE_Sign1 example byte for byte (cose-wg/Examples,
 * eddsa-examples/eddsa-sig-01.json; key "11" is RFC 8032 test 1): the Sig_structure, the signature
 * and the encoded message.
 */
class CoseSign1Test {
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] SEED =
      HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  private static final byte[] PUBLIC =
      HEX.parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  private static final byte[] PAYLOAD = "This is the content.".getBytes(StandardCharsets.US_ASCII);

  /** {@code {1: -8, 3: 0}}: alg EdDSA, content type 0. */
  private static final byte[] PROTECTED = HEX.parseHex("a201270300");

  private static final String TO_BE_SIGNED =
      "846a5369676e61747572653145a2012703004054546869732069732074686520636f6e74656e742e";
  private static final String SIGNATURE =
      "7142fd2ff96d56db85bee905a76ba1d0b7321a95c8c4d3607c5781932b7afb87"
          + "11497dfa751bf40b58b3bcc32300b1487f3db34085eef013bf08f4a44d6fef0d";
  private static final String MESSAGE =
      "d28445a201270300a10442313154546869732069732074686520636f6e74656e742e5840" + SIGNATURE;

  private static SigningKey exampleKey() {
    return SigningKey.of(
        KeyId.of("11"),
        Instant.EPOCH,
        SigningKeyStatus.ACTIVE,
        SecretBytes.copyOf(SEED, SecretAccess.get()));
  }

  @Test
  void publicKeyIsDerivedFromTheSeed() {
    assertArrayEquals(PUBLIC, exampleKey().verificationKey().publicKey());
  }

  @Test
  void sigStructureMatchesTheExample() {
    assertEquals(TO_BE_SIGNED, HEX.formatHex(CoseSign1.toBeSigned(PROTECTED, PAYLOAD)));
  }

  @Test
  void signatureAndMessageMatchTheExample() {
    byte[] sig = TokenSigner.of(exampleKey()).signBytes(CoseSign1.toBeSigned(PROTECTED, PAYLOAD));
    assertEquals(SIGNATURE, HEX.formatHex(sig));
    byte[] kid = "11".getBytes(StandardCharsets.US_ASCII);
    assertEquals(
        MESSAGE, HEX.formatHex(CoseSign1.encode(PROTECTED, Optional.of(kid), PAYLOAD, sig)));
  }

  @Test
  void exampleParsesAndItsSignatureVerifies() throws Exception {
    CoseSign1 m = CoseSign1.parse(HEX.parseHex(MESSAGE));
    assertEquals(Map.of(1L, -8L, 3L, 0L), m.protectedHeader());
    assertEquals(
        Map.of(4L, new Bytes("11".getBytes(StandardCharsets.US_ASCII))), m.unprotectedHeader());
    assertArrayEquals(PAYLOAD, m.payload());
    byte[] tbs = CoseSign1.toBeSigned(m.protectedBytes(), m.payload());
    assertTrue(
        exampleKey()
            .verificationKey()
            .parameters()
            .verify(Ed25519.Algorithm.Ed25519, null, tbs, 0, tbs.length, m.signature(), 0));
  }

  @Test
  void strictVerifierRefusesTheExampleBecauseItsKidIsUnprotected() {
    PublicKeySet keys = PublicKeySet.of(java.util.List.of(exampleKey().verificationKey()));
    Verification v = TokenVerifier.of(keys).verify(HEX.parseHex(MESSAGE), "This is the content.");
    assertEquals(Reason.MALFORMED, v.reason());
  }

  @Test
  void ourProtectedHeaderIsAlgThenKid() {
    assertEquals(
        "a20127044c666978747572652d32303236",
        HEX.formatHex(
            CoseSign1.protectedHeader("fixture-2026".getBytes(StandardCharsets.US_ASCII))));
  }
}
