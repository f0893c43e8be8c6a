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
   * Replaces each unpaired surrogate by three U+FFFD: Hugging Face sees a Java string through its
   * UTF-8 bytes, and an unpaired surrogate's three-byte encoding is invalid UTF-8 whose every byte
   * becomes U+FFFD (measured against the library through DJL).
   */
  static String replaceLoneSurrogates(String text) {
    int n = text.length();
    int i = 0;
    while (i < n) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i += 2;
      } else if (Character.isSurrogate(c)) {
        break;
      } else {
        i++;
      }
    }
    if (i == n) {
      return text;
    }
    StringBuilder sb = new StringBuilder(n + 8).append(text, 0, i);
    while (i < n) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        sb.append(c).append(text.charAt(i + 1));
        i += 2;
      } else {
        sb.append(Character.isSurrogate(c) ? "\uFFFD\uFFFD\uFFFD" : String.valueOf(c));
        i++;
      }
    }
    return sb.toString();
  }
}
