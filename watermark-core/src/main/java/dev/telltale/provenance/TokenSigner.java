package dev.telltale.provenance;

import dev.telltale.key.KeyId;
import dev.telltale.key.SecretAccess;
import dev.telltale.key.SigningKey;
import dev.telltale.key.SigningKeyStatus;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Signs provenance claims into COSE_Sign1 tokens with an active Ed25519 {@link SigningKey} (EdDSA,
 * {@code kid} in the protected header). Immutable and thread-safe; Ed25519 is deterministic, so
 * equal claims give byte-identical tokens.
 */
public final class TokenSigner {
  private final KeyId kid;
  private final Ed25519PrivateKeyParameters privateKey;
  private final Ed25519PublicKeyParameters publicKey;
  private final byte[] protectedHeader;

  private TokenSigner(SigningKey key) {
    if (key.status() != SigningKeyStatus.ACTIVE) {
      throw new IllegalArgumentException("signing key '" + key.id() + "' is retired");
    }
    this.kid = key.id();
    this.privateKey = key.privateParameters(SecretAccess.get());
    this.publicKey = privateKey.generatePublicKey();
    this.protectedHeader = CoseSign1.protectedHeader(kid.value().getBytes(StandardCharsets.UTF_8));
  }

  public static TokenSigner of(SigningKey key) {
    return new TokenSigner(key);
  }

  public KeyId kid() {
    return kid;
  }

  public ProvenanceToken sign(ProvenanceClaims claims) {
    byte[] payload = ClaimsCodec.encode(claims);
    byte[] sig = signBytes(CoseSign1.toBeSigned(protectedHeader, payload));
    return new ProvenanceToken(
        CoseSign1.encode(protectedHeader, Optional.empty(), payload, sig), kid, claims);
  }

  /** Ed25519 over {@code message}; the parameters' own sign method keeps no state per call. */
  byte[] signBytes(byte[] message) {
    byte[] sig = new byte[Ed25519.SIGNATURE_SIZE];
    privateKey.sign(Ed25519.Algorithm.Ed25519, publicKey, null, message, 0, message.length, sig, 0);
    return sig;
  }
}
