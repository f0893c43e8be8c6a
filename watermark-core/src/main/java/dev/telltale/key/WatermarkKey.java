package dev.telltale.key;

import dev.telltale.scheme.PrfVersion;
import dev.telltale.scheme.VllmParameters;
import dev.telltale.scheme.WatermarkParameters;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Objects;

/**
 * A watermark key: public id, parameters and PRF version plus a 32-byte secret. Subkeys for each
 * {@link KeyPurpose} are derived with HKDF-SHA256. Equality compares the secret in constant time;
 * {@code toString} never prints it.
 */
public final class WatermarkKey {
  public static final int SECRET_LENGTH = 32;

  private final KeyId id;
  private final WatermarkParameters parameters;
  private final SecretBytes secret;
  private final Instant created;
  private final PrfVersion prf;

  private WatermarkKey(
      KeyId id,
      WatermarkParameters parameters,
      SecretBytes secret,
      Instant created,
      PrfVersion prf) {
    this.id = Objects.requireNonNull(id, "id");
    this.parameters = Objects.requireNonNull(parameters, "parameters");
    this.secret = Objects.requireNonNull(secret, "secret");
    this.created = Objects.requireNonNull(created, "created");
    // vLLM keys run vLLM's own PRF; they are recorded as V1, the value of an absent field
    this.prf = parameters instanceof VllmParameters ? PrfVersion.V1 : Objects.requireNonNull(prf);
    if (secret.size() != secretLength(parameters)) {
      throw new IllegalArgumentException(
          "watermark secret must be " + secretLength(parameters) + " bytes, got " + secret.size());
    }
  }

  /** A key of PRF {@link PrfVersion#V1}: what a key file without a {@code "prf"} field holds. */
  public static WatermarkKey of(
      KeyId id, WatermarkParameters parameters, SecretBytes secret, Instant created) {
    return new WatermarkKey(id, parameters, secret, created, PrfVersion.V1);
  }

  public static WatermarkKey of(
      KeyId id,
      WatermarkParameters parameters,
      SecretBytes secret,
      Instant created,
      PrfVersion prf) {
    return new WatermarkKey(id, parameters, secret, created, prf);
  }

  /** Creates a key with a fresh random secret and the default PRF ({@link PrfVersion#DEFAULT}). */
  public static WatermarkKey generate(
      KeyId id, WatermarkParameters parameters, SecureRandom random) {
    return generate(id, parameters, PrfVersion.DEFAULT, random);
  }

  /** Creates a key with a fresh random secret and PRF {@code prf}. */
  public static WatermarkKey generate(
      KeyId id, WatermarkParameters parameters, PrfVersion prf, SecureRandom random) {
    return new WatermarkKey(
        id,
        parameters,
        SecretBytes.random(secretLength(parameters), random),
        Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
        prf);
  }

  /** The secret length of a scheme: 32 bytes, or vLLM's 8-byte (64-bit) key for vLLM schemes. */
  public static int secretLength(WatermarkParameters parameters) {
    return parameters instanceof VllmParameters ? VllmParameters.KEY_BYTES : SECRET_LENGTH;
  }

  /** A vLLM key: {@code key} is vLLM's unsigned 64-bit key, stored as 8 bytes big-endian. */
  public static WatermarkKey ofVllm(
      KeyId id, VllmParameters parameters, long key, Instant created) {
    byte[] b = new byte[VllmParameters.KEY_BYTES];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (key >>> (8 * (7 - i)));
    }
    SecretBytes s = SecretBytes.copyOf(b, SecretAccess.get());
    java.util.Arrays.fill(b, (byte) 0);
    return new WatermarkKey(id, parameters, s, created, PrfVersion.V1);
  }

  public KeyId id() {
    return id;
  }

  public WatermarkParameters parameters() {
    return parameters;
  }

  public Instant created() {
    return created;
  }

  /** The PRF this key's green lists, Gumbel draws and payload colours come from. */
  public PrfVersion prf() {
    return prf;
  }

  public SecretBytes secret() {
    return secret;
  }

  /** HKDF-SHA256 subkey for {@code purpose}. */
  public byte[] subkey(KeyPurpose purpose, SecretAccess access) {
    return Hkdf.derive(secret.toByteArray(access), purpose.info(), purpose.length());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WatermarkKey k
        && id.equals(k.id)
        && parameters.equals(k.parameters)
        && created.equals(k.created)
        && prf == k.prf
        && secret.equalsSecretBytes(k.secret);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, parameters, created, prf);
  }

  @Override
  public String toString() {
    return "WatermarkKey[id="
        + id
        + ", parameters="
        + parameters
        + ", prf="
        + prf.id()
        + ", created="
        + created
        + "]";
  }
}
