package dev.telltale.key;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

/**
 * The public half of a {@link SigningKey}: an Ed25519 public key (32 bytes) with its id and status.
 * Retired keys stay published so tokens they signed keep verifying.
 */
public final class VerificationKey {
  public static final int LENGTH = Ed25519PublicKeyParameters.KEY_SIZE;

  private final KeyId id;
  private final SigningKeyStatus status;
  private final byte[] publicKey;
  private final Ed25519PublicKeyParameters parameters;

  private VerificationKey(KeyId id, SigningKeyStatus status, byte[] publicKey) {
    this.id = Objects.requireNonNull(id, "id");
    this.status = Objects.requireNonNull(status, "status");
    if (publicKey.length != LENGTH) {
      throw new IllegalArgumentException(
          "an Ed25519 public key is " + LENGTH + " bytes, got " + publicKey.length);
    }
    this.publicKey = publicKey.clone();
    try {
      // Bouncy Castle checks that the bytes decode to a point of the curve.
      this.parameters = new Ed25519PublicKeyParameters(this.publicKey, 0);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the bytes are not a valid Ed25519 public key");
    }
  }

  /** Validates {@code publicKey} (32 bytes, a point of Ed25519). */
  public static VerificationKey of(KeyId id, SigningKeyStatus status, byte[] publicKey) {
    return new VerificationKey(id, status, publicKey);
  }

  public KeyId id() {
    return id;
  }

  public SigningKeyStatus status() {
    return status;
  }

  /** A copy of the 32 public key bytes. */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** The Bouncy Castle form, for signature verification. */
  public Ed25519PublicKeyParameters parameters() {
    return parameters;
  }

  /** The same key with another status. */
  public VerificationKey withStatus(SigningKeyStatus next) {
    return new VerificationKey(id, next, publicKey);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VerificationKey k
        && id.equals(k.id)
        && status == k.status
        && Arrays.equals(publicKey, k.publicKey);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, status, Arrays.hashCode(publicKey));
  }

  @Override
  public String toString() {
    return "VerificationKey[id="
        + id
        + ", status="
        + status.label()
        + ", x="
        + HexFormat.of().formatHex(publicKey)
        + "]";
  }
}
