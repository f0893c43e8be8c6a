package dev.telltale.provenance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.TestKeys;
import dev.telltale.key.KeyId;
import dev.telltale.key.KeySet;
import dev.telltale.key.SigningKey;
import dev.telltale.key.SigningKeyStatus;
import dev.telltale.key.WatermarkKey;
import dev.telltale.provenance.Verification.Reason;
import dev.telltale.scheme.GreenListParameters;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TokenVerifierTest {
  private static final String TEXT = "Signed output.\nSecond line \uD83D\uDE00\uFE0F";
  private static final Instant ISSUED = Instant.parse("2026-03-01T12:00:00Z");

  private static ProvenanceClaims claims(String text) {
    return ProvenanceFixtures.claims(text, ISSUED);
  }

  private static SigningKey key(String id) {
    return ProvenanceFixtures.signingKey(id, SigningKeyStatus.ACTIVE);
  }

  private static PublicKeySet publish(SigningKey... keys) {
    return PublicKeySet.of(List.of(keys).stream().map(SigningKey::verificationKey).toList());
  }

  @Test
  void signedTokenVerifiesOutOfBandAndInBand() {
    SigningKey a = key("key-a");
    ProvenanceToken token = TokenSigner.of(a).sign(claims(TEXT));
    TokenVerifier verifier = TokenVerifier.of(publish(a));

    Verification oob = verifier.verifyBase64Url(token.toBase64Url(), TEXT);
    assertEquals(Reason.VALID, oob.reason());
    assertEquals(Optional.of(a.id()), oob.kid());
    assertEquals(Optional.of(token.claims()), oob.claims());

    String embedded = TextCarrier.embed(TEXT, token.bytes());
    assertEquals(Reason.VALID, verifier.verifyEmbedded(embedded).reason());
    assertEquals(TEXT, TextCarrier.strip(embedded));
    assertEquals(Reason.VALID, verifier.verify(token.bytes(), embedded).reason());
  }

  @Test
  void signingIsDeterministic() {
    SigningKey a = key("key-a");
    assertArrayEquals(
        TokenSigner.of(a).sign(claims(TEXT)).bytes(), TokenSigner.of(a).sign(claims(TEXT)).bytes());
  }

  @Test
  void normalizationDecidesWhatTheDigestCovers() {
    SigningKey a = key("key-a");
    ProvenanceToken token = TokenSigner.of(a).sign(claims("Caf\u00e9\nline"));
    TokenVerifier verifier = TokenVerifier.of(publish(a));
    // NFD, CRLF and surrounding whitespace normalize away; a changed letter does not.
    assertEquals(Reason.VALID, verifier.verify(token.bytes(), "  Cafe\u0301\r\nline\n").reason());
    assertEquals(Reason.DIGEST_MISMATCH, verifier.verify(token.bytes(), "Cafe\nline").reason());
    assertEquals(9, token.claims().coveredChars());
  }

  @Test
  void tokenOfKeyADoesNotVerifyUnderKeyB() {
    SigningKey a = key("key-a");
    ProvenanceToken token = TokenSigner.of(a).sign(claims(TEXT));
    // Key B under another id: the token's key is unknown.
    assertEquals(
        Reason.UNKNOWN_KEY,
        TokenVerifier.of(publish(key("key-b"))).verify(token.bytes(), TEXT).reason());
    // Key B published under A's id (a substituted key): the signature fails.
    SigningKey impostor =
        SigningKey.of(a.id(), a.created(), SigningKeyStatus.ACTIVE, key("key-b").seed());
    assertEquals(
        Reason.BAD_SIGNATURE,
        TokenVerifier.of(publish(impostor)).verify(token.bytes(), TEXT).reason());
  }

  @Test
  void retiredKeyStillVerifiesOldTokensAfterRotation() {
    WatermarkKey wk = TestKeys.key(3, GreenListParameters.defaults());
    SigningKey first = SigningKey.generate(KeyId.of("sig-1"), new SecureRandom());
    KeySet set = KeySet.single(wk).withSigningKey(first);
    ProvenanceToken old = TokenSigner.of(set.primarySigningKey().orElseThrow()).sign(claims(TEXT));

    KeySet rotated = set.withSigningKey(SigningKey.generate(KeyId.of("sig-2"), new SecureRandom()));
    assertEquals(KeyId.of("sig-2"), rotated.primarySigningKey().orElseThrow().id());
    assertEquals(
        SigningKeyStatus.RETIRED, rotated.getSigningKey(KeyId.of("sig-1")).orElseThrow().status());
    assertThrows(
        IllegalArgumentException.class,
        () -> TokenSigner.of(rotated.getSigningKey(KeyId.of("sig-1")).orElseThrow()));

    PublicKeySet published = PublicKeySet.from(rotated);
    Verification v = TokenVerifier.of(published).verify(old.bytes(), TEXT);
    assertEquals(Reason.VALID, v.reason());
    assertEquals(Optional.of(KeyId.of("sig-1")), v.kid());
    ProvenanceToken fresh =
        TokenSigner.of(rotated.primarySigningKey().orElseThrow()).sign(claims(TEXT));
    assertEquals(Reason.VALID, TokenVerifier.of(published).verify(fresh.bytes(), TEXT).reason());
  }

  @Test
  void maximumAgeExpiresOldTokens() {
    SigningKey a = key("key-a");
    ProvenanceToken token = TokenSigner.of(a).sign(claims(TEXT));
    VerificationPolicy policy =
        VerificationPolicy.strict()
            .withMaxAge(Duration.ofDays(30))
            .withClock(Clock.fixed(ISSUED.plus(Duration.ofDays(31)), ZoneOffset.UTC));
    assertEquals(
        Reason.EXPIRED, TokenVerifier.of(publish(a), policy).verify(token.bytes(), TEXT).reason());
    VerificationPolicy young =
        policy.withClock(Clock.fixed(ISSUED.plus(Duration.ofDays(29)), ZoneOffset.UTC));
    assertEquals(
        Reason.VALID, TokenVerifier.of(publish(a), young).verify(token.bytes(), TEXT).reason());
    // Without a maximum age (the default) the token never expires.
    assertEquals(Reason.VALID, TokenVerifier.of(publish(a)).verify(token.bytes(), TEXT).reason());
  }

  @Test
  void badBase64IsMalformed() {
    TokenVerifier v = TokenVerifier.of(publish(key("key-a")));
    assertEquals(Reason.MALFORMED, v.verifyBase64Url("not base64!", TEXT).reason());
    assertEquals(Reason.MALFORMED, v.verifyBase64Url("", TEXT).reason());
    assertEquals(Reason.MALFORMED, v.verifyBase64Url("AAAA==", TEXT).reason());
  }

  @Test
  void accountPseudonymIsKeyedAndNeverTheRawId() {
    WatermarkKey k1 = TestKeys.key(1, GreenListParameters.defaults());
    WatermarkKey k2 = TestKeys.key(2, GreenListParameters.defaults());
    String p = AccountPseudonym.of(k1, "alice@example.com");
    assertEquals(p, AccountPseudonym.of(k1, "alice@example.com"));
    assertNotEquals(p, AccountPseudonym.of(k2, "alice@example.com"));
    assertNotEquals(p, AccountPseudonym.of(k1, "bob@example.com"));
    assertEquals(64, p.length());
    ProvenanceClaims c =
        ProvenanceClaims.forOutput(TEXT, "i", "m", ISSUED, "r", Optional.of(p), k1);
    assertFalse(
        new String(ClaimsCodec.encode(c), java.nio.charset.StandardCharsets.ISO_8859_1)
            .contains("alice"));
  }

  @Test
  void claimsRoundTripThroughCbor() throws Exception {
    ProvenanceClaims c = claims(TEXT);
    assertEquals(c, ClaimsCodec.decode(ClaimsCodec.encode(c)));
    ProvenanceClaims noAccount =
        new ProvenanceClaims(
            1,
            "iss",
            "model",
            ISSUED,
            "req",
            Optional.empty(),
            c.outputSha256(),
            3,
            c.watermarkKeyId(),
            "gumbel");
    assertEquals(noAccount, ClaimsCodec.decode(ClaimsCodec.encode(noAccount)));
  }

  @Test
  void carrierIsRefusedTwiceAndReportsWhatItFinds() {
    byte[] token = TokenSigner.of(key("key-a")).sign(claims(TEXT)).bytes();
    String once = TextCarrier.embed(TEXT + "\n", token);
    assertTrue(once.endsWith("\n"), "carrier goes before the trailing line break");
    assertThrows(IllegalArgumentException.class, () -> TextCarrier.embed(once, token));
    assertTrue(TextCarrier.extract(TEXT) instanceof CarrierExtraction.None);
    assertTrue(
        TextCarrier.extract(once + once) instanceof CarrierExtraction.Several s && s.count() == 2);
    CarrierExtraction.Found f = (CarrierExtraction.Found) TextCarrier.extract(once);
    assertArrayEquals(token, f.token());
    assertEquals(
        TextCarrier.carrierUtf8Bytes(token),
        once.substring(f.start(), f.end())
            .getBytes(java.nio.charset.StandardCharsets.UTF_8)
            .length);
    // A byte-order mark alone is ordinary text, not a carrier.
    assertTrue(TextCarrier.extract("\uFEFFhello").equals(new CarrierExtraction.None()));
    assertEquals("\uFEFFhello", TextCarrier.strip("\uFEFFhello"));
  }
}
