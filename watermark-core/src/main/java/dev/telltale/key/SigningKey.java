package dev.telltale.key;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * An Ed25519 key that signs provenance tokens: id, creation time, status and the 32-byte private
 * seed (RFC 8032). The public key is derived from the seed. Equality compares the seed in constant
 * time; {@code toString} never prints it.
 */
public final class SigningKey {
  public static final int SEED_LENGTH = Ed25519PrivateKeyParameters.KEY_SIZE;

  /** The only algorithm: Ed25519 (COSE EdDSA, -8). */
  public static final String ALGORITHM = "Ed25519";

  private final KeyId id;
  private final Instant created;
  private final SigningKeyStatus status;
  private final SecretBytes seed;
  private final VerificationKey verificationKey;

  private SigningKey(KeyId id, Instant created, SigningKeyStatus status, SecretBytes seed) {
    this.id = Objects.requireNonNull(id, "id");
    this.created = Objects.requireNonNull(created, "created");
    this.status = Objects.requireNonNull(status, "status");
    this.seed = Objects.requireNonNull(seed, "seed");
    if (seed.size() != SEED_LENGTH) {
      throw new IllegalArgumentException(
          "an Ed25519 seed is " + SEED_LENGTH + " bytes, got " + seed.size());
    }
    byte[] raw = seed.toByteArray(SecretAccess.get());
    try {
      byte[] pub = new Ed25519PrivateKeyParameters(raw, 0).generatePublicKey().getEncoded();
      this.verificationKey = VerificationKey.of(id, status, pub);
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  public static SigningKey of(
      KeyId id, Instant created, SigningKeyStatus status, SecretBytes seed) {
    return new SigningKey(id, created, status, seed);
  }

  /** A fresh active key with a random seed, created now (to the second). */
  public static SigningKey generate(KeyId id, SecureRandom random) {
    return new SigningKey(
        id,
        Instant.now().truncatedTo(ChronoUnit.SECONDS),
        SigningKeyStatus.ACTIVE,
        SecretBytes.random(SEED_LENGTH, random));
  }

  public KeyId id() {
    return id;
  }

  public Instant created() {
    return created;
  }

  public SigningKeyStatus status() {
    return status;
  }

  public SecretBytes seed() {
    return seed;
  }

  /** The public key, with this key's id and status. */
  public VerificationKey verificationKey() {
    return verificationKey;
  }

  /** Bouncy Castle private key parameters, for signing. */
  public Ed25519PrivateKeyParameters privateParameters(SecretAccess access) {
    byte[] raw = seed.toByteArray(access);
    try {
      return new Ed25519PrivateKeyParameters(raw, 0);
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  /** The same key with another status (a rotation retires the previous active key). */
  public SigningKey withStatus(SigningKeyStatus next) {
    return new SigningKey(id, created, next, seed);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SigningKey k
        && id.equals(k.id)
        && created.equals(k.created)
        && status == k.status
        && seed.equalsSecretBytes(k.seed);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, created, status);
  }

  @Override
  public String toString() {
    return "SigningKey[id=" + id + ", status=" + status.label() + ", created=" + created + "]";
  }
}
