package dev.telltale.text;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of a text's UTF-8, encoded through this thread's 8 KB buffer instead of a new array of
 * the whole text's bytes: the same digest as hashing {@code text.getBytes(UTF_8)} (a lone surrogate
 * becomes {@code ?} in both).
 */
public final class Utf8Digest {
  private static final ThreadLocal<Utf8Digest> THREAD = ThreadLocal.withInitial(Utf8Digest::new);

  private final MessageDigest sha256;
  private final CharsetEncoder encoder =
      StandardCharsets.UTF_8
          .newEncoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE);
  private final ByteBuffer buffer = ByteBuffer.allocate(8192);

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
    encoder.reset();
    CharBuffer in = CharBuffer.wrap(text);
    CoderResult r;
    do {
      r = encoder.encode(in, buffer, true);
      drain();
    } while (r.isOverflow());
    do {
      r = encoder.flush(buffer);
      drain();
    } while (r.isOverflow());
    return sha256.digest();
  }

  private void drain() {
    buffer.flip();
    sha256.update(buffer);
    buffer.clear();
  }
}
