package dev.telltale.key;

import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.PrfVersion;
import dev.telltale.scheme.WatermarkParameters;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Watermark keys with one primary (used to embed); older keys stay for detection after a rotation.
 * A key set may also hold Ed25519 signing keys for provenance tokens: one primary (active) signing
 * key and retired ones that stay so their public keys keep verifying old tokens.
 */
public final class KeySet {
  private final KeyId primary;
  private final List<WatermarkKey> keys;
  // Null when the set has no signing key (key files written before provenance tokens existed).
  private final KeyId primarySigning;
  private final List<SigningKey> signingKeys;

  private KeySet(KeyId primary, List<WatermarkKey> keys) {
    this(primary, keys, null, List.of());
  }

  private KeySet(
      KeyId primary, List<WatermarkKey> keys, KeyId primarySigning, List<SigningKey> signingKeys) {
    this.primary = Objects.requireNonNull(primary, "primary");
    this.keys = List.copyOf(keys);
    this.primarySigning = primarySigning;
    this.signingKeys = List.copyOf(signingKeys);
    checkSigningKeys(primarySigning, this.signingKeys);
    if (this.keys.isEmpty()) {
      throw new IllegalArgumentException("a key set needs at least one key");
    }
    long distinct = this.keys.stream().map(WatermarkKey::id).distinct().count();
    if (distinct != this.keys.size()) {
      throw new IllegalArgumentException("key ids in a key set must be distinct");
    }
    if (this.keys.stream().noneMatch(k -> k.id().equals(primary))) {
      throw new IllegalArgumentException("primary key '" + primary + "' is not in the key set");
    }
  }

  private static void checkSigningKeys(KeyId primarySigning, List<SigningKey> signingKeys) {
    long distinct = signingKeys.stream().map(SigningKey::id).distinct().count();
    if (distinct != signingKeys.size()) {
      throw new IllegalArgumentException("signing key ids in a key set must be distinct");
    }
    if (primarySigning == null) {
      if (!signingKeys.isEmpty()) {
        throw new IllegalArgumentException("a key set with signing keys needs a primary one");
      }
      return;
    }
    SigningKey p =
        signingKeys.stream()
            .filter(k -> k.id().equals(primarySigning))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "primary signing key '" + primarySigning + "' is not in the key set"));
    if (p.status() != SigningKeyStatus.ACTIVE) {
      throw new IllegalArgumentException(
          "primary signing key '" + primarySigning + "' is retired; the primary must be active");
    }
  }

  public static KeySet of(KeyId primary, List<WatermarkKey> keys) {
    return new KeySet(primary, keys);
  }

  public static KeySet single(WatermarkKey key) {
    return new KeySet(key.id(), List.of(key));
  }

  /** Prefix of generated watermark key ids ({@code wm-DATE-RANDOM}). */
  public static final String WATERMARK_ID_PREFIX = "wm-";

  /** Prefix of generated signing key ids ({@code sig-DATE-RANDOM}). */
  public static final String SIGNING_ID_PREFIX = "sig-";

  /**
   * A new key set: one fresh watermark key with {@code parameters} and one fresh active Ed25519
   * signing key, both primary. What {@code telltale keys create} writes and what the verifier
   * service creates on its first start.
   */
  public static KeySet generate(
      KeyId watermarkId, WatermarkParameters parameters, KeyId signingId, SecureRandom random) {
    return generate(watermarkId, parameters, PrfVersion.DEFAULT, signingId, random);
  }

  /** As {@link #generate(KeyId, WatermarkParameters, KeyId, SecureRandom)} with PRF {@code prf}. */
  public static KeySet generate(
      KeyId watermarkId,
      WatermarkParameters parameters,
      PrfVersion prf,
      KeyId signingId,
      SecureRandom random) {
    WatermarkKey key = WatermarkKey.generate(watermarkId, parameters, prf, random);
    return single(key).withSigningKey(SigningKey.generate(signingId, random));
  }

  /** {@link #generate} with the default KGW parameters and generated ids. */
  public static KeySet generateDefault(SecureRandom random) {
    return generate(
        KeyId.generate(WATERMARK_ID_PREFIX, random),
        GreenListParameters.defaults(),
        KeyId.generate(SIGNING_ID_PREFIX, random),
        random);
  }

  public WatermarkKey primary() {
    return get(primary).orElseThrow();
  }

  public KeyId primaryId() {
    return primary;
  }

  /** All keys, primary included, in insertion order. */
  public List<WatermarkKey> keys() {
    return keys;
  }

  public Optional<WatermarkKey> get(KeyId id) {
    return keys.stream().filter(k -> k.id().equals(id)).findFirst();
  }

  /** A new key set whose primary is {@code next}; the current keys remain for detection. */
  public KeySet rotate(WatermarkKey next) {
    List<WatermarkKey> all = new ArrayList<>(keys);
    all.add(next);
    return new KeySet(next.id(), Collections.unmodifiableList(all), primarySigning, signingKeys);
  }

  /** All signing keys, the primary and retired ones, in insertion order (empty if none). */
  public List<SigningKey> signingKeys() {
    return signingKeys;
  }

  /** The active signing key that signs new provenance tokens, if the set has one. */
  public Optional<SigningKey> primarySigningKey() {
    return primarySigning == null ? Optional.empty() : getSigningKey(primarySigning);
  }

  public Optional<SigningKey> getSigningKey(KeyId id) {
    return signingKeys.stream().filter(k -> k.id().equals(id)).findFirst();
  }

  /** The public keys of all signing keys: what a verifier needs, no secrets. */
  public List<VerificationKey> verificationKeys() {
    return signingKeys.stream().map(SigningKey::verificationKey).toList();
  }

  /**
   * A new key set whose primary signing key is {@code next} (made active); the previous active
   * signing keys are kept as retired, so tokens they signed still verify.
   */
  public KeySet withSigningKey(SigningKey next) {
    if (getSigningKey(next.id()).isPresent()) {
      throw new IllegalArgumentException("signing key id '" + next.id() + "' is already in use");
    }
    List<SigningKey> all = new ArrayList<>();
    for (SigningKey k : signingKeys) {
      all.add(k.status() == SigningKeyStatus.ACTIVE ? k.withStatus(SigningKeyStatus.RETIRED) : k);
    }
    all.add(next.withStatus(SigningKeyStatus.ACTIVE));
    return new KeySet(primary, keys, next.id(), all);
  }

  /** This key set with exactly these signing keys; {@code primarySigning} must be active. */
  public KeySet withSigningKeys(KeyId primarySigning, List<SigningKey> signing) {
    return new KeySet(primary, keys, Objects.requireNonNull(primarySigning), signing);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeySet s
        && primary.equals(s.primary)
        && keys.equals(s.keys)
        && Objects.equals(primarySigning, s.primarySigning)
        && signingKeys.equals(s.signingKeys);
  }

  @Override
  public int hashCode() {
    return Objects.hash(primary, keys, primarySigning, signingKeys);
  }

  @Override
  public String toString() {
    return "KeySet[primary="
        + primary
        + ", keys="
        + keys.stream().map(WatermarkKey::id).toList()
        + (signingKeys.isEmpty()
            ? ""
            : ", signing=" + signingKeys.stream().map(SigningKey::id).toList())
        + "]";
  }
}
