package dev.telltale;

import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * QuickTheories generators shared by the property tests: Unicode text from pools that stress UTF-8,
 * UTF-16 and normalization (supplementary planes, combining marks, carrier characters), byte
 * arrays, damaged UTF-8, finite doubles of every magnitude. Each is built from QuickTheories' own
 * ranges and lists, so a failing case shrinks.
 */
public final class TestGenerators {
  private TestGenerators() {}

  /** Characters the carrier, the normalizer and the tokenizers treat specially. */
  private static final List<Integer> SPECIAL_CODE_POINTS =
      List.of(
          0x0000, // NUL
          (int) '\t',
          (int) '\n',
          (int) '\r',
          0x0085, // next line
          0x00A0, // no-break space
          0x00AD, // soft hyphen
          0x0301, // combining acute accent
          0x200B, // zero-width space
          0x200C, // zero-width non-joiner
          0x200D, // zero-width joiner
          0x200F, // right-to-left mark
          0x2028, // line separator
          0x2029, // paragraph separator
          0x3000, // ideographic space
          0xFE00, // variation selector 1 (carrier)
          0xFE0F, // variation selector 16 (carrier)
          0xFEFF, // byte order mark (carrier start)
          0xFFFD, // replacement character
          0xFFFE, // noncharacter
          0xFFFF, // noncharacter
          0x1F3FB, // emoji skin-tone modifier
          0xE0001, // language tag
          0xE0100, // variation selector 17 (carrier)
          0xE01EF, // variation selector 256 (carrier)
          0x10FFFF); // the last code point

  /**
   * Unicode scalar values (never a lone surrogate) drawn from pools by weight: printable ASCII,
   * ASCII controls, Latin, combining marks, other two-byte UTF-8, three-byte BMP on both sides of
   * the surrogate block, emoji, every supplementary plane, and the special characters above.
   */
  @SuppressWarnings("unchecked")
  public static Gen<Integer> codePoints() {
    return Generate.frequency(
        Pair.of(6, integers().between(0x20, 0x7E)),
        Pair.of(1, integers().between(0x00, 0x1F)),
        Pair.of(2, integers().between(0x80, 0x24F)),
        Pair.of(2, integers().between(0x300, 0x36F)),
        Pair.of(2, integers().between(0x370, 0x7FF)),
        Pair.of(2, integers().between(0x800, 0xD7FF)),
        Pair.of(1, integers().between(0xE000, 0xFFFF)),
        Pair.of(1, integers().between(0x1F300, 0x1FAFF)),
        Pair.of(2, integers().between(0x10000, 0x10FFFF)),
        Pair.of(2, arbitrary().pick(SPECIAL_CODE_POINTS)));
  }

  /** Strings of up to {@code maxCodePoints} code points of {@link #codePoints()}. */
  public static Gen<String> unicodeStrings(int maxCodePoints) {
    return strings(codePoints(), 0, maxCodePoints);
  }

  /** Strings of {@code min..max} code points drawn from {@code codePoints}. */
  public static Gen<String> strings(Gen<Integer> codePoints, int min, int max) {
    return Generate.intArrays(integers().between(min, max), codePoints)
        .map(cps -> new String(cps, 0, cps.length))
        .describedAs(TestGenerators::describe);
  }

  /** Arbitrary bytes, {@code 0..maxLength} of them. */
  public static Gen<byte[]> bytes(int maxLength) {
    return bytes(0, maxLength);
  }

  /** Arbitrary bytes, {@code minLength..maxLength} of them. */
  public static Gen<byte[]> bytes(int minLength, int maxLength) {
    return Generate.byteArrays(
            integers().between(minLength, maxLength),
            Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0))
        .describedAs(b -> "hex " + HexFormat.of().formatHex(b));
  }

  /** Any byte. */
  public static Gen<Byte> anyByte() {
    return Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0);
  }

  /** Any long (the full range, boundaries included). */
  public static Gen<Long> seeds() {
    return longs().all();
  }

  /**
   * The UTF-8 of a {@link #unicodeStrings Unicode string} with one to three damages: a flipped bit,
   * a replaced, inserted or deleted byte, a truncation, a stray continuation byte, an overlong,
   * surrogate or out-of-range sequence, or a lead byte without its continuation. Often invalid
   * UTF-8, sometimes still valid.
   */
  public static Gen<byte[]> damagedUtf8(int maxCodePoints) {
    return damaged(unicodeStrings(maxCodePoints).map(s -> s.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Bytes of {@code valid} with one to three of the damages {@link #damagedUtf8} lists: for
   * damaging well-formed documents (JSON, key files, tokens) rather than starting from noise.
   */
  public static Gen<byte[]> damaged(Gen<byte[]> valid) {
    Gen<int[]> damage =
        integers()
            .between(0, 7)
            .zip(
                integers().between(0, Integer.MAX_VALUE),
                integers().between(0, 255),
                (kind, at, value) -> new int[] {kind, at, value});
    return valid
        .zip(lists().of(damage).ofSizeBetween(1, 3), TestGenerators::damage)
        .describedAs(b -> "hex " + HexFormat.of().formatHex(b));
  }

  private static final byte[][] INVALID_SEQUENCES = {
    {(byte) 0xC0, (byte) 0x80}, // overlong NUL
    {(byte) 0xE0, (byte) 0x80, (byte) 0x80}, // overlong three-byte form
    {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // encoded surrogate U+D800
    {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
    {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, // five-byte form
    {(byte) 0xFE},
    {(byte) 0xFF}
  };

  private static final byte[] LEAD_BYTES = {(byte) 0xC3, (byte) 0xE2, (byte) 0xF0};

  static byte[] damage(byte[] utf8, List<int[]> damages) {
    byte[] b = utf8;
    for (int[] d : damages) {
      int kind = d[0];
      int value = d[2];
      int at = b.length == 0 ? 0 : d[1] % (b.length + 1);
      int inside = b.length == 0 ? -1 : d[1] % b.length;
      switch (kind) {
        case 0 -> {
          if (inside >= 0) {
            b = b.clone();
            b[inside] ^= (byte) (1 << (value % 8));
          } else {
            b = new byte[] {(byte) value};
          }
        }
        case 1 -> {
          if (inside >= 0) {
            b = b.clone();
            b[inside] = (byte) value;
          } else {
            b = new byte[] {(byte) value};
          }
        }
        case 2 -> b = insert(b, at, new byte[] {(byte) value});
        case 3 -> {
          if (inside >= 0) {
            b = splice(b, inside, inside + 1, new byte[0]);
          }
        }
        case 4 -> b = java.util.Arrays.copyOf(b, at);
        case 5 -> b = insert(b, at, new byte[] {(byte) (0x80 | (value & 0x3F))});
        case 6 -> b = insert(b, at, INVALID_SEQUENCES[value % INVALID_SEQUENCES.length]);
        default -> b = insert(b, at, new byte[] {LEAD_BYTES[value % LEAD_BYTES.length]});
      }
    }
    return b;
  }

  private static byte[] insert(byte[] b, int at, byte[] what) {
    return splice(b, at, at, what);
  }

  private static byte[] splice(byte[] b, int from, int to, byte[] what) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + what.length);
    out.write(b, 0, from);
    out.write(what, 0, what.length);
    out.write(b, to, b.length - to);
    return out.toByteArray();
  }

  private static final List<Double> SPECIAL_DOUBLES =
      List.of(
          0.0,
          -0.0,
          Double.MIN_VALUE,
          -Double.MIN_VALUE,
          Double.MIN_NORMAL,
          Math.nextDown(Double.MIN_NORMAL),
          Double.MAX_VALUE,
          -Double.MAX_VALUE,
          1e21,
          Math.nextDown(1e21),
          1e-7,
          Math.nextUp(1e-7),
          1e-6,
          Math.nextDown(1e-6),
          0.1,
          1.0 / 3,
          9007199254740992.0,
          9007199254740993.0,
          295147905179352825856.0);

  /**
   * Finite doubles of every kind: any bit pattern (subnormals and the extremes included), short
   * decimals as JSON carries them, integers as doubles, powers of ten and their neighbours, and the
   * boundaries of the shortest-form rules. Never NaN or infinite.
   */
  @SuppressWarnings("unchecked")
  public static Gen<Double> finiteDoubles() {
    Gen<Double> bits =
        longs()
            .all()
            .map(Double::longBitsToDouble)
            .map(d -> Double.isFinite(d) ? d : Math.copySign(Double.MAX_VALUE, d));
    Gen<Double> decimals =
        integers()
            .between(-10_000_000, 10_000_000)
            .zip(integers().between(0, 12), (m, e) -> m / Math.pow(10, e));
    Gen<Double> wholeNumbers = longs().all().map(l -> (double) l);
    Gen<Double> powersOfTen =
        integers()
            .between(-323, 308)
            .zip(
                integers().between(-1, 1),
                (e, side) -> {
                  double p = Double.parseDouble("1e" + e);
                  return side < 0 ? Math.nextDown(p) : side > 0 ? Math.nextUp(p) : p;
                });
    return Generate.frequency(
        Pair.of(4, bits),
        Pair.of(3, decimals),
        Pair.of(1, wholeNumbers),
        Pair.of(1, powersOfTen),
        Pair.of(1, arbitrary().pick(SPECIAL_DOUBLES)));
  }

  /** A property body that may throw a checked exception. */
  @FunctionalInterface
  public interface Body {
    void run() throws Exception;
  }

  /**
   * Runs {@code body}, rethrowing a checked exception unchecked so that QuickTheories reports it as
   * a falsifying case (its {@code checkAssert} takes plain consumers).
   */
  public static void unchecked(Body body) {
    try {
      body.run();
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Code points past printable ASCII shown as U+XXXX, so a failing case can be read. */
  public static String describe(String s) {
    StringBuilder b = new StringBuilder("\"");
    s.codePoints()
        .forEach(
            cp -> {
              if (cp >= 0x20 && cp < 0x7F && cp != '\\') {
                b.appendCodePoint(cp);
              } else {
                b.append(String.format("\\u{%X}", cp));
              }
            });
    return b.append("\" (").append(s.length()).append(" chars)").toString();
  }
}
