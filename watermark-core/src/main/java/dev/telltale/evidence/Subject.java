package dev.telltale.evidence;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One tested input of a finding: its name as the command was given it (a path, or {@code -} for
 * standard input) and the SHA-256 of its bytes, lowercase hex.
 */
public record Subject(String name, String sha256) {
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  public Subject {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(sha256, "sha256");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("a subject needs a name");
    }
    if (!HEX64.matcher(sha256).matches()) {
      throw new IllegalArgumentException("a subject digest is 64 lowercase hex digits");
    }
  }

  /** The subject for {@code bytes} named {@code name}. */
  public static Subject of(String name, byte[] bytes) {
    return new Subject(name, HexFormat.of().formatHex(sha256(bytes)));
  }

  /** The subject for the file at {@code path}, named by {@code path} as given. */
  public static Subject ofFile(Path path) throws IOException {
    return new Subject(path.toString(), sha256Hex(path));
  }

  /** SHA-256 of a file's bytes, streamed, lowercase hex. */
  public static String sha256Hex(Path path) throws IOException {
    // A device (/dev/zero) or a pipe never ends: only regular files are digested.
    if (!Files.isRegularFile(path)) {
      if (!Files.exists(path)) {
        throw new java.nio.file.NoSuchFileException(path.toString());
      }
      throw new IOException("'" + path + "' is not a regular file");
    }
    MessageDigest md = newSha256();
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(path)) {
      for (int r; (r = in.read(buf)) > 0; ) {
        md.update(buf, 0, r);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  static byte[] sha256(byte[] bytes) {
    return newSha256().digest(bytes);
  }

  static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
