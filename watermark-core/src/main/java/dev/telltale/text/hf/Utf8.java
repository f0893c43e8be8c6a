package dev.telltale.text.hf;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** UTF-8 decoding, strict or with U+FFFD for each maximal invalid subsequence. */
final class Utf8 {
  private Utf8() {}

  static String decodeLossy(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** The text of valid UTF-8, or null. */
  static String decodeStrict(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /**
   * Text as the Hugging Face library sees it through the JVM (measured against it through DJL): a
   * string with no unpaired surrogate is unchanged; in one with an unpaired surrogate, every
   * surrogate code unit (paired or not) becomes three U+FFFD and every U+0000 two, because the
   * JVM's modified UTF-8 of the string is then decoded leniently. Python callers cannot pass such
   * strings at all; this keeps Telltale id-for-id with the JVM binding of the library.
   */
  static String replaceLoneSurrogates(String text) {
    if (!hasLoneSurrogate(text)) {
      return text;
    }
    StringBuilder sb = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isSurrogate(c)) {
        sb.append("\uFFFD\uFFFD\uFFFD");
      } else if (c == 0) {
        sb.append("\uFFFD\uFFFD");
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static boolean hasLoneSurrogate(String text) {
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }
}
