package dev.telltale;

import dev.telltale.key.KeyId;
import dev.telltale.key.SecretAccess;
import dev.telltale.key.SecretBytes;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.PrfVersion;
import dev.telltale.scheme.WatermarkParameters;
import java.time.Instant;
import java.util.SplittableRandom;

/** Deterministic keys for tests. */
public final class TestKeys {
  private TestKeys() {}

  /** A key of PRF v1 (as key files without a {@code "prf"} field hold). */
  public static WatermarkKey key(long seed, WatermarkParameters parameters) {
    return key(seed, parameters, PrfVersion.V1);
  }

  public static WatermarkKey key(long seed, WatermarkParameters parameters, PrfVersion prf) {
    byte[] secret = new byte[WatermarkKey.SECRET_LENGTH];
    new SplittableRandom(seed).nextBytes(secret);
    return WatermarkKey.of(
        KeyId.of("test-" + Long.toHexString(seed)),
        parameters,
        SecretBytes.copyOf(secret, SecretAccess.get()),
        Instant.parse("2026-01-01T00:00:00Z"),
        prf);
  }
}
