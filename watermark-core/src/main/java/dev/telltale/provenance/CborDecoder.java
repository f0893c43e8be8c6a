package dev.telltale.provenance;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict decoder for the deterministic CBOR subset tokens use (RFC 8949 section 4.2.1): integers,
 * byte and text strings, definite-length arrays and maps, tags, false/true/null. It rejects
 * indefinite lengths, non-shortest heads, floats, duplicate or non-integer/text map keys, invalid
 * UTF-8, nesting deeper than {@link #MAX_DEPTH} and trailing bytes.
 *
 * <p>Jackson's CBOR parser reports integer map keys as text, which would let {@code 1} and {@code
 * "1"} collide, and it accepts indefinite lengths; a verifier must see the exact structure, hence
 * this small reader. Values decode to {@link Long}, {@link String}, {@link Bytes}, {@link List},
 * {@link Map} (insertion-ordered), {@link Tagged}, {@link Boolean} and {@link #NULL}.
 */
final class CborDecoder {
  static final int MAX_DEPTH = 16;

  /** The CBOR {@code null}; maps and lists never hold a Java null. */
  static final Object NULL = new Object();

  /** A byte string; a record so it can be compared by content. */
  record Bytes(byte[] value) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Bytes b && Arrays.equals(value, b.value);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "Bytes[" + value.length + "]";
    }
  }

  /** A tagged data item. */
  record Tagged(long tag, Object value) {}

  /** The input is not deterministic CBOR of the supported subset. */
  static final class CborException extends Exception {
    private static final long serialVersionUID = 1L;

    CborException(String message) {
      super(message);
    }
  }

  private final byte[] in;
  private int pos;

  private CborDecoder(byte[] in) {
    this.in = in;
  }

  /** Decodes exactly one data item that spans all of {@code bytes}. */
  static Object decode(byte[] bytes) throws CborException {
    CborDecoder d = new CborDecoder(bytes);
    Object v = d.item(0);
    if (d.pos != bytes.length) {
      throw new CborException(
          "trailing bytes after the CBOR item (" + (bytes.length - d.pos) + " bytes)");
    }
    return v;
  }

  private Object item(int depth) throws CborException {
    if (depth > MAX_DEPTH) {
      throw new CborException("CBOR nesting deeper than " + MAX_DEPTH);
    }
    int initial = u8();
    int major = initial >>> 5;
    int info = initial & 0x1f;
    if (major == 7) {
      return switch (info) {
        case 20 -> Boolean.FALSE;
        case 21 -> Boolean.TRUE;
        case 22 -> NULL;
        default -> throw new CborException("unsupported CBOR simple value or float (" + info + ")");
      };
    }
    long arg = argument(info);
    switch (major) {
      case 0:
        return arg;
      case 1:
        return -1 - arg;
      case 2:
        return new Bytes(take(arg));
      case 3:
        return utf8(take(arg));
      case 4:
        {
          checkCount(arg, 1);
          List<Object> list = new ArrayList<>((int) arg);
          for (long i = 0; i < arg; i++) {
            list.add(item(depth + 1));
          }
          return list;
        }
      case 5:
        {
          checkCount(arg, 2);
          Map<Object, Object> map = new LinkedHashMap<>();
          for (long i = 0; i < arg; i++) {
            Object key = item(depth + 1);
            if (!(key instanceof Long) && !(key instanceof String)) {
              throw new CborException("CBOR map key is neither an integer nor a text string");
            }
            if (map.put(key, item(depth + 1)) != null) {
              throw new CborException("duplicate CBOR map key " + key);
            }
          }
          return map;
        }
      case 6:
        return new Tagged(arg, item(depth + 1));
      default:
        throw new AssertionError(major);
    }
  }

  /** Reads the argument of a head; only the shortest form is accepted. */
  private long argument(int info) throws CborException {
    if (info < 24) {
      return info;
    }
    long v;
    long min;
    switch (info) {
      case 24 -> {
        v = u8();
        min = 24;
      }
      case 25 -> {
        v = (u8() << 8) | u8();
        min = 0x100;
      }
      case 26 -> {
        v = 0;
        for (int i = 0; i < 4; i++) {
          v = (v << 8) | u8();
        }
        min = 0x10000;
      }
      case 27 -> {
        v = 0;
        for (int i = 0; i < 8; i++) {
          v = (v << 8) | u8();
        }
        if (v < 0) {
          throw new CborException("CBOR integer larger than 2^63 - 1");
        }
        min = 0x100000000L;
      }
      case 31 -> throw new CborException("indefinite-length CBOR item");
      default -> throw new CborException("reserved CBOR additional information " + info);
    }
    if (v < min) {
      throw new CborException("CBOR head not in shortest form");
    }
    return v;
  }

  private void checkCount(long count, int minBytesEach) throws CborException {
    if (count > (long) (in.length - pos) / minBytesEach) {
      throw new CborException("CBOR container longer than its input");
    }
  }

  private int u8() throws CborException {
    if (pos >= in.length) {
      throw new CborException("CBOR input ends early");
    }
    return in[pos++] & 0xff;
  }

  private byte[] take(long n) throws CborException {
    if (n > in.length - pos) {
      throw new CborException("CBOR string longer than its input");
    }
    byte[] out = Arrays.copyOfRange(in, pos, pos + (int) n);
    pos += (int) n;
    return out;
  }

  private static String utf8(byte[] b) throws CborException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b))
          .toString();
    } catch (CharacterCodingException e) {
      throw new CborException("CBOR text string is not valid UTF-8");
    }
  }
}
