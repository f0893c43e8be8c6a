package dev.telltale.text;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of a text's UTF-8, encoded chunk by chunk through this thread's buffers instead of a new
 * array of the whole text's bytes: the same digest as hashing {@code text.getBytes(UTF_8)} (a lone
 * surrogate becomes {@code ?} in both). The chars are copied out in bulk ({@link String#getChars})
 * and encoded by hand: a {@code CharsetEncoder} over a wrapped {@code String} takes the JDK's slow
 * buffer path, a char at a time.
 */
public final class Utf8Digest {
  private static final ThreadLocal<Utf8Digest> THREAD = ThreadLocal.withInitial(Utf8Digest::new);

  /** Chars encoded per chunk; a chunk's UTF-8 is at most three bytes a char. */
  private static final int CHUNK = 2048;

  private final MessageDigest sha256;
  private final char[] chars = new char[CHUNK];
  private final byte[] bytes = new byte[3 * CHUNK];

  private Utf8Digest() {
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Lowercase hex SHA-256 of the UTF-8 of {@code text}. */
  public static String sha256Hex(String text) {
    return HexFormat.of().formatHex(THREAD.get().digest(text));
  }

  private byte[] digest(String text) {
    sha256.reset();
    int n = text.length();
    int start = 0;
    while (start < n) {
      int end = CharChunks.end(text, start, CHUNK); // never between a pair's halves
      text.getChars(start, end, chars, 0);
      sha256.update(bytes, 0, encode(chars, end - start, bytes));
      start = end;
    }
    return sha256.digest();
  }

  /** UTF-8 of {@code in[0, len)} into {@code out}, as {@code String.getBytes(UTF_8)} writes it. */
  private static int encode(char[] in, int len, byte[] out) {
    int o = 0;
    for (int i = 0; i < len; i++) {
      char c = in[i];
      if (c < 0x80) {
        out[o++] = (byte) c;
      } else if (c < 0x800) {
        out[o++] = (byte) (0xC0 | c >> 6);
        out[o++] = (byte) (0x80 | c & 0x3F);
      } else if (!Character.isSurrogate(c)) {
        out[o++] = (byte) (0xE0 | c >> 12);
        out[o++] = (byte) (0x80 | c >> 6 & 0x3F);
        out[o++] = (byte) (0x80 | c & 0x3F);
      } else if (Character.isHighSurrogate(c)
          && i + 1 < len
          && Character.isLowSurrogate(in[i + 1])) {
        int cp = Character.toCodePoint(c, in[++i]);
        out[o++] = (byte) (0xF0 | cp >> 18);
        out[o++] = (byte) (0x80 | cp >> 12 & 0x3F);
        out[o++] = (byte) (0x80 | cp >> 6 & 0x3F);
        out[o++] = (byte) (0x80 | cp & 0x3F);
      } else {
        out[o++] = '?';
      }
    }
    return o;
  }
}
