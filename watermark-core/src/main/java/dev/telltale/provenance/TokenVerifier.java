package dev.telltale.provenance;

import dev.telltale.key.KeyId;
import dev.telltale.key.VerificationKey;
import dev.telltale.provenance.CborDecoder.Bytes;
import dev.telltale.provenance.CborDecoder.CborException;
import dev.telltale.provenance.Verification.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Verifies provenance tokens against a {@link PublicKeySet} and the text they claim to cover. Never
 * throws on bad input: every outcome is a {@link Verification} with a reason code. Checks, in
 * order: structure (MALFORMED), algorithm EdDSA only (UNSUPPORTED_ALGORITHM), key id in the
 * protected header and no critical headers (MALFORMED), key known (UNKNOWN_KEY), signature
 * (BAD_SIGNATURE), claims well-formed (MALFORMED), digest of the normalized text (DIGEST_MISMATCH),
 * age (EXPIRED). Immutable and thread-safe.
 */
public final class TokenVerifier {
  /** Largest token accepted; ours are a few hundred bytes. */
  public static final int MAX_TOKEN_BYTES = 16 << 10;

  private final PublicKeySet keys;
  private final VerificationPolicy policy;

  private TokenVerifier(PublicKeySet keys, VerificationPolicy policy) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  /** A verifier with the strict default policy. */
  public static TokenVerifier of(PublicKeySet keys) {
    return new TokenVerifier(keys, VerificationPolicy.strict());
  }

  public static TokenVerifier of(PublicKeySet keys, VerificationPolicy policy) {
    return new TokenVerifier(keys, policy);
  }

  /** Verifies an out-of-band token given as unpadded base64url. */
  public Verification verifyBase64Url(String token, String text) {
    Optional<byte[]> bytes = ProvenanceToken.decodeBase64Url(token);
    if (bytes.isEmpty()) {
      return Verification.malformed("the token is not unpadded base64url");
    }
    return verify(bytes.get(), text);
  }

  /** Verifies the token carried invisibly in {@code text} against that same text. */
  public Verification verifyEmbedded(String text) {
    CarrierExtraction found = TextCarrier.extract(text);
    if (found instanceof CarrierExtraction.Found f) {
      return verify(f.token(), text);
    }
    if (found instanceof CarrierExtraction.Several s) {
      return Verification.malformed("the text carries " + s.count() + " tokens; expected one");
    }
    if (found instanceof CarrierExtraction.Corrupted c) {
      return Verification.malformed("the token carrier is corrupted: " + c.problem());
    }
    return Verification.malformed("the text carries no token");
  }

  /** Verifies COSE_Sign1 {@code token} against {@code text}. */
  public Verification verify(byte[] token, String text) {
    if (token.length > MAX_TOKEN_BYTES) {
      return Verification.malformed("the token is larger than " + MAX_TOKEN_BYTES + " bytes");
    }
    CoseSign1 msg;
    try {
      msg = CoseSign1.parse(token);
    } catch (CborException e) {
      return Verification.malformed(e.getMessage());
    }
    Optional<Object> alg = msg.protectedValue(CoseSign1.HEADER_ALG);
    if (alg.isEmpty()) {
      return result(Reason.UNSUPPORTED_ALGORITHM, null, null, "no algorithm in protected header");
    }
    if (!Long.valueOf(CoseSign1.ALG_EDDSA).equals(alg.get())) {
      return result(
          Reason.UNSUPPORTED_ALGORITHM, null, null, "algorithm " + alg.get() + " is not EdDSA");
    }
    if (msg.protectedHeader().containsKey(CoseSign1.HEADER_CRIT)) {
      return Verification.malformed("critical headers are not supported");
    }
    if (msg.unprotectedHeader().containsKey(CoseSign1.HEADER_ALG)
        || msg.unprotectedHeader().containsKey(CoseSign1.HEADER_KID)) {
      return Verification.malformed("alg and kid belong in the protected header only");
    }
    Optional<KeyId> kid = keyId(msg.protectedValue(CoseSign1.HEADER_KID));
    if (kid.isEmpty()) {
      return Verification.malformed("no valid key id in the protected header");
    }
    Optional<VerificationKey> key = keys.find(kid.get());
    if (key.isEmpty()) {
      return result(
          Reason.UNKNOWN_KEY, kid.get(), null, "key '" + kid.get() + "' is not published");
    }
    byte[] sig = msg.signature();
    if (sig.length != Ed25519.SIGNATURE_SIZE) {
      return result(Reason.BAD_SIGNATURE, kid.get(), null, "signature is not 64 bytes");
    }
    byte[] tbs = CoseSign1.toBeSigned(msg.protectedBytes(), msg.payload());
    if (!key.get()
        .parameters()
        .verify(Ed25519.Algorithm.Ed25519, null, tbs, 0, tbs.length, sig, 0)) {
      return result(Reason.BAD_SIGNATURE, kid.get(), null, "signature does not verify");
    }
    ProvenanceClaims claims;
    try {
      claims = ClaimsCodec.decode(msg.payload());
    } catch (CborException e) {
      return result(Reason.MALFORMED, kid.get(), null, "signed claims: " + e.getMessage());
    }
    if (!claims.covers(text)) {
      return result(
          Reason.DIGEST_MISMATCH, kid.get(), claims, "the text is not the one that was signed");
    }
    if (policy.maxAge().isPresent()) {
      Instant now = policy.clock().instant();
      Duration age = Duration.between(claims.issuedAt(), now);
      if (age.compareTo(policy.maxAge().get()) > 0) {
        return result(Reason.EXPIRED, kid.get(), claims, "issued " + claims.issuedAt());
      }
    }
    return result(
        Reason.VALID,
        kid.get(),
        claims,
        "signed by " + kid.get() + " (" + key.get().status().label() + ")");
  }

  private static Verification result(
      Reason reason, KeyId kid, ProvenanceClaims claims, String detail) {
    return new Verification(reason, Optional.ofNullable(kid), Optional.ofNullable(claims), detail);
  }

  private static Optional<KeyId> keyId(Optional<Object> header) {
    if (header.isEmpty() || !(header.get() instanceof Bytes b)) {
      return Optional.empty();
    }
    try {
      String s =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(b.value()))
              .toString();
      return Optional.of(KeyId.of(s));
    } catch (CharacterCodingException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
