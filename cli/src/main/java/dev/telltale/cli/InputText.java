package dev.telltale.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads a text argument ({@code FILE} or {@code -} for standard input) as strict UTF-8. */
final class InputText {
  /** Largest input read into memory. */
  static final int MAX_BYTES = 64 << 20;

  private InputText() {}

  static String read(String source, InputStream stdin) {
    byte[] bytes;
    String name = source == null || source.equals("-") ? "standard input" : "'" + source + "'";
    try {
      if (source == null || source.equals("-")) {
        bytes = stdin.readNBytes(MAX_BYTES + 1);
      } else {
        Path p = Path.of(source);
        if (Files.isDirectory(p)) {
          throw new BadInputException(name + " is a directory, not a text file");
        }
        if (Files.size(p) > MAX_BYTES) {
          throw new BadInputException(name + " is larger than " + (MAX_BYTES >> 20) + " MiB");
        }
        bytes = Files.readAllBytes(p);
      }
    } catch (NoSuchFileException e) {
      throw new BadInputException(name + " does not exist");
    } catch (IOException e) {
      throw new BadInputException("cannot read " + name + ": " + e.getMessage(), e);
    }
    if (bytes.length > MAX_BYTES) {
      throw new BadInputException(name + " is larger than " + (MAX_BYTES >> 20) + " MiB");
    }
    String text = decodeUtf8(bytes, name);
    if (text.isBlank()) {
      throw new BadInputException(name + " is empty");
    }
    return text;
  }

  static String decodeUtf8(byte[] bytes, String name) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    try {
      return decoder.decode(buf).toString();
    } catch (MalformedInputException e) {
      throw new BadInputException(
          name + " is not valid UTF-8 (malformed byte at offset " + buf.position() + ")");
    } catch (CharacterCodingException e) {
      throw new BadInputException(name + " is not valid UTF-8");
    }
  }
}
