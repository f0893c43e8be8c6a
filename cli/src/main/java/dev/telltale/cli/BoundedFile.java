package dev.telltale.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a whole input file into memory, stopping at a limit on the bytes actually read: a file's
 * reported size is no bound (devices such as {@code /dev/zero} report 0, and a file can grow while
 * it is read), so every read here stops after {@code max + 1} bytes and refuses the input.
 */
final class BoundedFile {
  private BoundedFile() {}

  /**
   * The bytes of {@code path}, at most {@code max}; {@code what} names the input in errors ("token
   * file", "public key set").
   */
  static byte[] read(Path path, long max, String what) {
    String name = what + " '" + path + "'";
    if (Files.isDirectory(path)) {
      throw new BadInputException(name + " is a directory, not a file");
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(path)) {
      bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
    } catch (NoSuchFileException e) {
      throw new BadInputException("cannot read " + name + ": it does not exist");
    } catch (IOException e) {
      throw new BadInputException("cannot read " + name + ": " + e.getMessage(), e);
    }
    if (bytes.length > max) {
      throw new BadInputException(name + " is larger than " + describe(max));
    }
    return bytes;
  }

  /** The bytes of standard input, at most {@code max}. */
  static byte[] read(InputStream in, long max, String name) {
    byte[] bytes;
    try {
      bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
    } catch (IOException e) {
      throw new BadInputException("cannot read " + name + ": " + e.getMessage(), e);
    }
    if (bytes.length > max) {
      throw new BadInputException(name + " is larger than " + describe(max));
    }
    return bytes;
  }

  static String describe(long max) {
    return max >= (1 << 20) && max % (1 << 20) == 0
        ? (max >> 20) + " MiB"
        : max >= 1024 && max % 1024 == 0 ? (max >> 10) + " KiB" : max + " bytes";
  }
}
