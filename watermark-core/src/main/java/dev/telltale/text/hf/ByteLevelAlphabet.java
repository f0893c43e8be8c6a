package dev.telltale.text.hf;

/**
 * GPT-2's byte-to-unicode map used by byte-level BPE: printable Latin-1 bytes stand for themselves,
 * the other 68 bytes for U+0100 onwards in byte order, so every byte is one visible character.
 */
final class ByteLevelAlphabet {
  private static final char[] BYTE_TO_CHAR = new char[256];
  private static final int[] CHAR_TO_BYTE = new int[512];

  static {
    java.util.Arrays.fill(CHAR_TO_BYTE, -1);
    int extra = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
      char c = printable ? (char) b : (char) (256 + extra++);
      BYTE_TO_CHAR[b] = c;
      CHAR_TO_BYTE[c] = b;
    }
  }

  private ByteLevelAlphabet() {}

  static char charOf(int b) {
    return BYTE_TO_CHAR[b];
  }

  /** The byte a mapped character stands for, or -1 if it is not in the alphabet. */
  static int byteOf(char c) {
    return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
  }

  static String map(byte[] bytes) {
    char[] chars = new char[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      chars[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
    }
    return new String(chars);
  }
}
