package dev.telltale.evidence;

import dev.telltale.key.SecretAccess;
import dev.telltale.key.SigningKey;
import dev.telltale.key.SigningKeyStatus;
import java.util.List;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Signs statements into DSSE envelopes (and other messages, such as tree heads) with an active
 * Ed25519 {@link SigningKey}; the signature's {@code keyid} is the key's id. Immutable and
 * thread-safe; Ed25519 is deterministic, so equal statements give identical envelopes.
 */
public final class EnvelopeSigner {
  private final String keyId;
  private final Ed25519PrivateKeyParameters privateKey;
  private final Ed25519PublicKeyParameters publicKey;

  private EnvelopeSigner(SigningKey key) {
    if (key.status() != SigningKeyStatus.ACTIVE) {
      throw new IllegalArgumentException("signing key '" + key.id() + "' is retired");
    }
    this.keyId = key.id().value();
    this.privateKey = key.privateParameters(SecretAccess.get());
    this.publicKey = privateKey.generatePublicKey();
  }

  public static EnvelopeSigner of(SigningKey key) {
    return new EnvelopeSigner(key);
  }

  public String keyId() {
    return keyId;
  }

  /** An envelope holding the canonical statement, signed over its PAE. */
  public Envelope sign(EvidenceStatement statement) {
    return sign(Envelope.IN_TOTO, statement.toCanonicalBytes());
  }

  public Envelope sign(String payloadType, byte[] payload) {
    byte[] sig = signBytes(Envelope.pae(payloadType, payload));
    return new Envelope(payloadType, payload, List.of(new Envelope.Signature(keyId, sig)));
  }

  /** Ed25519 over {@code message}. */
  public byte[] signBytes(byte[] message) {
    byte[] sig = new byte[Ed25519.SIGNATURE_SIZE];
    privateKey.sign(Ed25519.Algorithm.Ed25519, publicKey, null, message, 0, message.length, sig, 0);
    return sig;
  }
}
