package dev.telltale.cli;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Reads a text argument ({@code FILE} or {@code -} for standard input) as strict UTF-8. */
final class InputText {
  /** Largest input read into memory. */
  static final int MAX_BYTES = 64 << 20;

  private InputText() {}

  static String read(String source, InputStream in) {
    boolean stdin = source == null || source.equals("-");
    String name = stdin ? "standard input" : "'" + source + "'";
    byte[] bytes;
    if (stdin) {
      bytes = BoundedFile.read(stdin(in), MAX_BYTES, name);
    } else {
      try {
        bytes = BoundedFile.read(Path.of(source), MAX_BYTES, "text file");
      } catch (java.nio.file.InvalidPathException e) {
        throw new BadInputException(name + " is not a valid path");
      }
    }
    String text = decodeUtf8(bytes, name);
    if (text.isBlank()) {
      throw new BadInputException(name + " is empty");
    }
    return text;
  }

  /**
   * Where "-" reads from: {@code in}, unless a re-run ({@link Rerun}) feeds a recorded input in its
   * place.
   */
  private static InputStream stdin(InputStream in) {
    InputStream fed = Rerun.FED_STDIN.get();
    return fed != null ? fed : in;
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
