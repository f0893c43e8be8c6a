package dev.telltale.provenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.telltale.TestGenerators;
import dev.telltale.key.KeyId;
import dev.telltale.key.SigningKeyStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;

class PublicKeySetTest {
  private static final String X = "h7Rj53_SLjayvuvAEGGTf3gnuZnft0XvCBu3OdYlzM0";

  private static String doc(String key) {
    return "{\"keys\":[" + key + "]}";
  }

  @Test
  void writtenDocumentParsesBackEqual() throws Exception {
    PublicKeySet keys = ProvenanceFixtures.publicKeys();
    PublicKeySet back = PublicKeySet.parse(keys.toJson());
    assertEquals(keys, back);
    assertEquals(
        SigningKeyStatus.RETIRED, back.find(KeyId.of("fixture-2025")).orElseThrow().status());
    assertTrue(back.find(KeyId.of("nope")).isEmpty());
  }

  @Test
  void emptySetIsWrittenButNotParsedAndKnowsNoKey() throws Exception {
    PublicKeySet empty = PublicKeySet.empty();
    assertTrue(empty.keys().isEmpty());
    assertEquals(
        "{\"keys\":[]}", new String(empty.toJson(), StandardCharsets.UTF_8).replaceAll("\\s", ""));
    // A verifier handed an empty document almost surely got the wrong file.
    assertThrows(PublicKeySetException.class, () -> PublicKeySet.parse(empty.toJson()));
    assertThrows(IllegalArgumentException.class, () -> PublicKeySet.of(List.of()));
    ProvenanceToken t =
        TokenSigner.of(ProvenanceFixtures.active())
            .sign(
                ProvenanceClaims.forOutput(
                    "text",
                    "issuer",
                    "model",
                    ProvenanceFixtures.ISSUED,
                    "r",
                    java.util.Optional.empty(),
                    dev.telltale.TestKeys.key(
                        1, dev.telltale.scheme.GreenListParameters.defaults())));
    assertEquals(
        Verification.Reason.UNKNOWN_KEY,
        TokenVerifier.of(empty).verify(t.bytes(), "text").reason());
  }

  @Test
  void minimalJwkIsAccepted() throws Exception {
    PublicKeySet k =
        PublicKeySet.parse(
            bytes(doc("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"a\",\"x\":\"" + X + "\"}")));
    assertEquals(SigningKeyStatus.ACTIVE, k.keys().get(0).status());
  }

  @Test
  void strictParserRefusesWhatIsNotAnEd25519PublicKey() {
    String ok = "\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"a\",\"x\":\"" + X + "\"";
    for (String bad :
        List.of(
            "",
            "[]",
            "{}",
            "{\"keys\":[]}",
            "{\"keys\":[]," + "\"extra\":1}",
            doc("{" + ok + ",\"d\":\"" + X + "\"}"),
            doc("{" + ok.replace("OKP", "EC") + "}"),
            doc("{" + ok.replace("Ed25519", "Ed448") + "}"),
            doc("{" + ok + ",\"alg\":\"ES256\"}"),
            doc("{" + ok + ",\"use\":\"enc\"}"),
            doc("{" + ok + ",\"status\":\"revoked\"}"),
            doc("{" + ok + ",\"foo\":1}"),
            doc("{" + ok.replace(X, X.substring(2)) + "}"),
            doc("{" + ok.replace(X, X + "=") + "}"),
            doc("{" + ok.replace("\"a\"", "\"bad id!\"") + "}"),
            doc("{" + ok + "},{" + ok + "}"),
            "{\"keys\":[{" + ok + "}],\"keys\":[]}")) {
      assertThrows(PublicKeySetException.class, () -> PublicKeySet.parse(bytes(bad)), bad);
    }
  }

  @Test
  void arbitraryBytesOnlyEverGiveAParseError() {
    // noise, and the fixture document with damaged bytes
    byte[] good = ProvenanceFixtures.publicKeys().toJson();
    qt().withFixedSeed(0x9B1C_0001L)
        .withExamples(1000)
        .forAll(
            Generate.oneOf(
                TestGenerators.bytes(200),
                TestGenerators.damaged(Generate.constant(() -> good.clone()))))
        .checkAssert(PublicKeySetTest::parsesOrFailsWithAParseError);
  }

  private static void parsesOrFailsWithAParseError(byte[] junk) {
    try {
      // whatever parses is a usable key set: never an empty one
      assertFalse(PublicKeySet.parse(junk).keys().isEmpty());
    } catch (PublicKeySetException expected) {
      assertFalse(expected.getMessage().isBlank());
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
