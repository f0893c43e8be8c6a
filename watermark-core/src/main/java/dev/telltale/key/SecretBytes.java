package dev.telltale.key;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * Immutable secret byte string. Raw bytes are reachable only through {@link
 * #toByteArray(SecretAccess)}; equality is constant-time and {@code toString} prints the length
 * alone.
 */
public final class SecretBytes {
  private final byte[] bytes;

  private SecretBytes(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Copies {@code bytes}; the caller may wipe its array afterwards. */
  public static SecretBytes copyOf(byte[] bytes, SecretAccess access) {
    Objects.requireNonNull(access, "access");
    return new SecretBytes(bytes.clone());
  }

  /** Draws {@code length} bytes from {@code random}. */
  public static SecretBytes random(int length, SecureRandom random) {
    if (length <= 0) {
      throw new IllegalArgumentException("secret length must be positive, got " + length);
    }
    byte[] b = new byte[length];
    random.nextBytes(b);
    return new SecretBytes(b);
  }

  /** Returns a copy of the raw bytes. */
  public byte[] toByteArray(SecretAccess access) {
    Objects.requireNonNull(access, "access");
    return bytes.clone();
  }

  public int size() {
    return bytes.length;
  }

  /** Constant-time comparison of the contents. */
  public boolean equalsSecretBytes(SecretBytes other) {
    return other != null && MessageDigest.isEqual(bytes, other.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecretBytes s && equalsSecretBytes(s);
  }

  @Override
  public int hashCode() {
    // Length only: a content hash would leak information through hash-based containers.
    return Integer.hashCode(bytes.length);
  }

  @Override
  public String toString() {
    return "SecretBytes[" + bytes.length + " bytes]";
  }

  /** Overwrites the bytes with zeros; the object is unusable afterwards. */
  void destroy() {
    Arrays.fill(bytes, (byte) 0);
  }
}
