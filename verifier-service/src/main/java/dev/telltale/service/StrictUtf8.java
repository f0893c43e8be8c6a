package dev.telltale.service;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Checks request bytes for the body reader's fast path ({@link JsonBody#parse}): well-formed UTF-8
 * as Unicode's Table 3-7 defines it (no overlong form, no surrogate, nothing past U+10FFFF: what
 * the JDK's strict decoder accepts), without a NUL byte and without a leading byte order mark. A
 * JSON text holds neither, and without them the byte parser cannot take the bytes for UTF-16 or
 * UTF-32 (it guesses the encoding from zero bytes and marks).
 */
final class StrictUtf8 {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long HIGH_BITS = 0x8080808080808080L;
  private static final long LOW_BITS = 0x0101010101010101L;

  private StrictUtf8() {}

  /** Whether {@code a[off, off + len)} is well-formed UTF-8 with no NUL and no leading BOM. */
  static boolean plain(byte[] a, int off, int len) {
    int end = off + len;
    if (len >= 3
        && a[off] == (byte) 0xEF
        && a[off + 1] == (byte) 0xBB
        && a[off + 2] == (byte) 0xBF) {
      return false;
    }
    int i = off;
    while (i < end) {
      // ASCII without NUL, eight bytes at a time.
      while (i + 8 <= end) {
        long w = (long) LONGS.get(a, i);
        if ((w & HIGH_BITS) != 0 || ((w - LOW_BITS) & ~w & HIGH_BITS) != 0) {
          break;
        }
        i += 8;
      }
      if (i >= end) {
        break;
      }
      int c = a[i] & 0xFF;
      if (c < 0x80) {
        if (c == 0) {
          return false;
        }
        i++;
      } else if (c < 0xC2) {
        return false; // a continuation byte, or the lead of an overlong pair
      } else if (c < 0xE0) {
        if (i + 1 >= end || !continuation(a[i + 1])) {
          return false;
        }
        i += 2;
      } else if (c < 0xF0) {
        if (i + 2 >= end) {
          return false;
        }
        int b = a[i + 1] & 0xFF;
        int lo = c == 0xE0 ? 0xA0 : 0x80; // no overlong form
        int hi = c == 0xED ? 0x9F : 0xBF; // no surrogate
        if (b < lo || b > hi || !continuation(a[i + 2])) {
          return false;
        }
        i += 3;
      } else if (c < 0xF5) {
        if (i + 3 >= end) {
          return false;
        }
        int b = a[i + 1] & 0xFF;
        int lo = c == 0xF0 ? 0x90 : 0x80; // no overlong form
        int hi = c == 0xF4 ? 0x8F : 0xBF; // nothing past U+10FFFF
        if (b < lo || b > hi || !continuation(a[i + 2]) || !continuation(a[i + 3])) {
          return false;
        }
        i += 4;
      } else {
        return false;
      }
    }
    return true;
  }

  private static boolean continuation(byte b) {
    return (b & 0xC0) == 0x80;
  }
}
