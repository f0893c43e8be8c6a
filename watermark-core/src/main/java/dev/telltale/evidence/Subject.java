package dev.telltale.evidence;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.commons.codec.digest.DigestUtils;

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
    return new Subject(name, DigestUtils.sha256Hex(bytes));
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
    try (InputStream in = Files.newInputStream(path)) {
      return DigestUtils.sha256Hex(in);
    }
  }
}
