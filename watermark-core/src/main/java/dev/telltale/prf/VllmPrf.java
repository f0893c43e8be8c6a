package dev.telltale.prf;

import dev.telltale.key.SecretAccess;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.VllmDualKeyGumbelParameters;
import dev.telltale.scheme.VllmParameters;
import dev.telltale.scheme.VllmSbwParameters;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The keyed PRF values of vLLM's watermarks: Gumbel uniforms of (context, token) under the Philox
 * key (and, for dual-key Gumbel, the two keys derived from it), and SBW's min-hash seed and green
 * bit. Immutable and thread-safe; the per-token methods take caller scratch and allocate nothing.
 */
public final class VllmPrf {
  private static final long TWO_31 = 1L << 31;

  private final VllmParameters parameters;
  private final long keyA;
  private final long keyB;
  private final int sbwThreshold;
  private final boolean lefthash;

  private VllmPrf(VllmParameters parameters, long key) {
    this.parameters = parameters;
    if (parameters instanceof VllmDualKeyGumbelParameters) {
      this.keyA = deriveKey("key_a", key);
      this.keyB = deriveKey("key_b", key);
    } else {
      this.keyA = key;
      this.keyB = key;
    }
    this.sbwThreshold =
        parameters instanceof VllmSbwParameters s ? s.greenThreshold() : Integer.MIN_VALUE;
    this.lefthash = parameters instanceof VllmSbwParameters s && s.lefthash();
  }

  /** The PRF of a vLLM key; the key's 8-byte secret is vLLM's key, big-endian. */
  public static VllmPrf of(WatermarkKey key) {
    if (!(key.parameters() instanceof VllmParameters p)) {
      throw new IllegalArgumentException("not a vLLM key: " + key.parameters().schemeName());
    }
    byte[] raw = key.secret().toByteArray(SecretAccess.get());
    long k = 0;
    for (byte b : raw) {
      k = (k << 8) | (b & 0xFFL);
    }
    java.util.Arrays.fill(raw, (byte) 0);
    return new VllmPrf(p, k);
  }

  /** The PRF of {@code parameters} under the raw 64-bit key {@code key} (read as unsigned). */
  public static VllmPrf of(VllmParameters parameters, long key) {
    return new VllmPrf(parameters, key);
  }

  public VllmParameters parameters() {
    return parameters;
  }

  /** The Philox key of Gumbel (key A for dual-key Gumbel); SBW's hash key. */
  public long keyA() {
    return keyA;
  }

  /** Key B of dual-key Gumbel; the key itself otherwise. */
  public long keyB() {
    return keyB;
  }

  /**
   * vLLM's derived key: the first 8 bytes, big-endian, of {@code SHA-256(domain || key as 8 bytes
   * big-endian)}.
   */
  public static long deriveKey(String domain, long key) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(domain.getBytes(StandardCharsets.US_ASCII));
      for (int i = 7; i >= 0; i--) {
        sha.update((byte) (key >>> (8 * i)));
      }
      byte[] d = sha.digest();
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | (d[i] & 0xFFL);
      }
      return v;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /** Bob Jenkins' integer hash of {@code x + 1} in wrapping int32, sign-extended (vLLM SBW). */
  public static long jenkins(int x) {
    int i = x + 1;
    i -= i << 6;
    i ^= i >> 17;
    i -= i << 9;
    i ^= i << 4;
    i -= i << 3;
    i ^= i << 10;
    i ^= i >> 15;
    return i;
  }

  /**
   * SBW's effective seed of candidate {@code v} after the context {@code tokens[end-C .. end)} (-1
   * before {@code floor}): the signed minimum of {@code key h(v) h(v)} and of {@code key h(c) h(v)}
   * over every context token but the oldest, with wrapping 64-bit products. With {@code lefthash}
   * seeding: {@code key * sum(context)}, the same for every v.
   */
  public long sbwSeed(int[] tokens, int floor, int end, int v) {
    if (lefthash) {
      return lefthashSeed(tokens, floor, end);
    }
    long hv = jenkins(v);
    long kv = keyA * hv;
    long seed = kv * hv;
    int c = parameters.contextWidth();
    for (int i = end - c + 1; i < end; i++) {
      long hc = i < floor ? 0L : jenkins(tokens[i]);
      seed = Math.min(seed, kv * hc);
    }
    return seed;
  }

  /**
   * The per-context factors {@code key h(c)} of SBW's seed, for every context token but the oldest,
   * into {@code out[0 .. C-1)}; then {@link #sbwSeed(long[], int)} costs C-1 products per
   * candidate. With {@code lefthash} seeding, {@code out[0]} is the step's seed.
   */
  public void sbwContext(int[] tokens, int floor, int end, long[] out) {
    if (lefthash) {
      out[0] = lefthashSeed(tokens, floor, end);
      return;
    }
    int c = parameters.contextWidth();
    for (int i = end - c + 1, j = 0; i < end; i++, j++) {
      out[j] = keyA * (i < floor ? 0L : jenkins(tokens[i]));
    }
  }

  /** SBW's effective seed of candidate {@code v} from the factors of {@link #sbwContext}. */
  public long sbwSeed(long[] contextFactors, int v) {
    if (lefthash) {
      return contextFactors[0];
    }
    long hv = jenkins(v);
    long seed = keyA * hv * hv;
    for (int j = 0, m = parameters.contextWidth() - 1; j < m; j++) {
      seed = Math.min(seed, contextFactors[j] * hv);
    }
    return seed;
  }

  // vLLM's lefthash generator: key * (sum of the C context ids, -1 for padding), wrapping int64.
  private long lefthashSeed(int[] tokens, int floor, int end) {
    long sum = 0;
    for (int i = end - parameters.contextWidth(); i < end; i++) {
      sum += i < floor ? -1L : tokens[i];
    }
    return keyA * sum;
  }

  /** Whether SBW token {@code v} is green under effective seed {@code seed}. */
  public boolean sbwGreen(long seed, int v) {
    int w = Philox4x32.word(v >>> 2, 0, 0, 0, (int) seed, (int) (seed >>> 32), v & 3);
    return (w & 0x7FFFFFFF) < sbwThreshold;
  }

  /** SBW's exact null probability of green, {@code threshold / 2^31}. */
  public double sbwGamma() {
    return (double) sbwThreshold / TWO_31;
  }

  /**
   * A 64-bit fingerprint of a context from its absorbed Philox state (a keyed 128-bit digest of the
   * context): equal contexts give equal fingerprints, distinct ones collide with probability about
   * 2^-64.
   */
  public static long contextFingerprint(int[] state) {
    return contextFingerprint(state[0], state[1], state[2], state[3]);
  }

  /** {@link #contextFingerprint(int[])} of the state {@code (s0, s1, s2, s3)}. */
  public static long contextFingerprint(int s0, int s1, int s2, int s3) {
    long a = ((long) s0 << 32) | (s1 & 0xFFFFFFFFL);
    long b = ((long) s2 << 32) | (s3 & 0xFFFFFFFFL);
    return WatermarkPrf.bits(a ^ Long.rotateLeft(b, 29), 0x5a17);
  }

  /**
   * Gumbel score {@code -ln(1 - u)} of a float uniform widened to double: {@code
   * -StrictMath.log1p(-u)} (what vLLM's {@code log1p} gives, and {@code Math.log1p} on Java 17) bit
   * for bit, without its native call, and without data-dependent branches ({@link
   * Fdlibm#log1pSelect}).
   */
  public static double gumbelScore(float u) {
    if (!(u >= 0x1p-29f && u < 1f)) {
      return -StrictMath.log1p(-(double) u); // not a PRF uniform
    }
    return -Fdlibm.log1pInRange(-(double) u);
  }

  /**
   * {@link #gumbelScore} of the PRF uniform of a 24-bit mantissa, {@code (float) ((m + 1) / (2^24 +
   * 1))} (as {@link Philox4x32#uniform}), bit for bit; the uniform's conversions to and from float
   * are integer operations on its bits (see {@link Fdlibm#exact}).
   */
  public static double gumbelScoreOfMantissa(int m) {
    double q = Fdlibm.exact((m & 0xFFFFFFL) + 1) / 16777217.0;
    // rounded to float's 24 significant bits, to nearest even: q lies in [2^-24, 1), normal floats
    long bits = Double.doubleToRawLongBits(q);
    bits += 0x0FFFFFFFL + ((bits >>> 29) & 1);
    double u = Double.longBitsToDouble(bits & ~0x1FFFFFFFL);
    return -Fdlibm.log1pInRange(-u);
  }
}
