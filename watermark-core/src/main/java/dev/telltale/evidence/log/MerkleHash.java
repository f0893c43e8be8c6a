package dev.telltale.evidence.log;

import java.security.MessageDigest;
import org.apache.commons.codec.digest.DigestUtils;

/**
 * RFC 9162 §2.1.1 hashing: a leaf is {@code SHA-256(0x00 || entry)}, an interior node {@code
 * SHA-256(0x01 || left || right)}, the empty tree {@code SHA-256()}. Thread-safe.
 */
public final class MerkleHash {
  /** Bytes of every hash. */
  public static final int SIZE = 32;

  private static final byte[] EMPTY = DigestUtils.sha256(new byte[0]);
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(DigestUtils::getSha256Digest);

  private MerkleHash() {}

  /** The root of the empty tree. */
  public static byte[] empty() {
    return EMPTY.clone();
  }

  public static byte[] leaf(byte[] entry) {
    MessageDigest md = SHA256.get();
    md.update((byte) 0x00);
    md.update(entry);
    return md.digest();
  }

  public static byte[] node(byte[] left, byte[] right) {
    MessageDigest md = SHA256.get();
    md.update((byte) 0x01);
    md.update(left);
    md.update(right);
    return md.digest();
  }

  /** The largest power of two strictly below {@code n} (n ≥ 2): where RFC 9162 splits a tree. */
  static long split(long n) {
    assert n >= 2;
    return Long.highestOneBit(n - 1);
  }
}
