package dev.telltale.prf;

import dev.telltale.key.KeyPurpose;
import dev.telltale.key.SecretAccess;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.PrfVersion;
import dev.telltale.scheme.WatermarkParameters;

/**
 * The keyed, portable PRF shared by embedding and detection, in the version the key names ({@link
 * PrfVersion}). {@code k_seed} is the HKDF subkey {@link KeyPurpose#CONTEXT_SEED} in both.
 *
 * <ul>
 *   <li>v1 context seed {@code s = SipHash-2-4(k_seed, LE64(t[i-h]) .. LE64(t[i-1]))}; v2 {@code s
 *       = SipHash-1-3(k_seed, LE32(t[i-h]) .. LE32(t[i-1]))}; with self-hash the candidate token is
 *       hashed as one more word;
 *   <li>v1 per-token bits {@code u(s, v) = fmix(s ^ (v * 0x9E3779B97F4A7C15))}, the SplitMix64
 *       finalizer; v2 {@code u(s, v) = hi32(s, v) << 32 | lo32(s, v)}, two keyed 32-bit mixes
 *       ({@link #bitsV2});
 *   <li>in both, green iff {@code u >>> 11 < floor(gamma * 2^53)}; Gumbel {@code r = ((u >>> 11) +
 *       0.5) / 2^53}. In v2 the green test is decided by {@code hi32} alone except when {@code hi32
 *       == floor(gamma * 2^53) >>> 21} (probability 2^-32), which is what lets the full-vocabulary
 *       kernel run in 32-bit lanes.
 * </ul>
 *
 * Instances are immutable and thread-safe.
 */
public final class WatermarkPrf {
  public static final long GOLDEN = 0x9E3779B97F4A7C15L;
  private static final double INV_2_53 = 0x1p-53;

  private final long k0;
  private final long k1;
  private final int contextWidth;
  private final boolean selfHash;
  private final long greenThreshold;
  private final PrfVersion version;
  private final boolean v2;

  private WatermarkPrf(long k0, long k1, WatermarkParameters parameters, PrfVersion version) {
    this.k0 = k0;
    this.k1 = k1;
    this.version = version;
    this.v2 = version == PrfVersion.V2;
    this.contextWidth = parameters.contextWidth();
    if (parameters instanceof GreenListParameters g) {
      this.selfHash = g.selfHash();
      this.greenThreshold = g.greenThreshold();
    } else {
      this.selfHash = false;
      this.greenThreshold = 0;
    }
  }

  public static WatermarkPrf of(WatermarkKey key) {
    byte[] sub = key.subkey(KeyPurpose.CONTEXT_SEED, SecretAccess.get());
    long k0 = readLe64(sub, 0);
    long k1 = readLe64(sub, 8);
    java.util.Arrays.fill(sub, (byte) 0);
    return new WatermarkPrf(k0, k1, key.parameters(), key.prf());
  }

  public PrfVersion version() {
    return version;
  }

  public int contextWidth() {
    return contextWidth;
  }

  public boolean selfHash() {
    return selfHash;
  }

  /** The green threshold on {@code u >>> 11}; zero for schemes without a green list. */
  public long greenThreshold() {
    return greenThreshold;
  }

  /** Seed of the window {@code tokens[end-h .. end)}; requires {@code end >= h}. */
  public long contextSeed(int[] tokens, int end) {
    return v2
        ? SipHash13.hashTokens(k0, k1, tokens, end, contextWidth, -1)
        : SipHash24.hashTokens(k0, k1, tokens, end, contextWidth, -1);
  }

  /** Seed of the window {@code tokens[end-h .. end)} followed by the candidate (self-hash). */
  public long selfHashSeed(int[] tokens, int end, int candidate) {
    return v2
        ? SipHash13.hashTokens(k0, k1, tokens, end, contextWidth, candidate)
        : SipHash24.hashTokens(k0, k1, tokens, end, contextWidth, candidate);
  }

  /**
   * The tuple bits of positions {@code from .. to)} of {@code tokens} into {@code out[0 .. to -
   * from)}: {@code u(s_i, tokens[i])} with {@code s_i} the seed of the window before {@code i}
   * (self-hash included); requires {@code from >= h}. The scoring loop's first half, one loop per
   * version so the default context of new keys (v2, h = 2) runs without a branch per token.
   */
  public void tupleBits(int[] tokens, int from, int to, long[] out) {
    if (v2 && !selfHash && contextWidth == 2) {
      final long a = k0;
      final long b = k1;
      for (int i = from; i < to; i++) {
        out[i - from] = bitsV2(SipHash13.hashPair(a, b, tokens[i - 2], tokens[i - 1]), tokens[i]);
      }
      return;
    }
    for (int i = from; i < to; i++) {
      int token = tokens[i];
      long seed = selfHash ? selfHashSeed(tokens, i, token) : contextSeed(tokens, i);
      out[i - from] = tokenBits(seed, token);
    }
  }

  /** The 64 PRF bits of token {@code v} under {@code seed} in this key's version. */
  public long tokenBits(long seed, int v) {
    return v2 ? bitsV2(seed, v) : bits(seed, v);
  }

  /** The 64 PRF bits of token {@code v} under {@code seed} in {@code version}. */
  public static long bits(PrfVersion version, long seed, int v) {
    return version == PrfVersion.V2 ? bitsV2(seed, v) : bits(seed, v);
  }

  /**
   * The 64 PRF bits of token {@code v} under {@code seed} in PRF v1. For self-hash keys {@code
   * seed} must already include {@code v}.
   */
  public static long bits(long seed, int v) {
    long z = seed ^ (v * GOLDEN);
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /**
   * The 64 PRF bits of token {@code v} under {@code seed} in PRF v2: {@link #hi32} in the top half,
   * {@link #lo32} in the bottom half.
   */
  public static long bitsV2(long seed, int v) {
    return ((long) hi32(seed, v) << 32) | (lo32(seed, v) & 0xffffffffL);
  }

  /**
   * The top 32 bits of v2's {@code u(s, v)}: {@code x = v ^ lo(s)}; {@code x = (x ^ x >>> 16) *
   * 0x7feb352d}; {@code x ^= hi(s)}; {@code x = (x ^ x >>> 15) * 0x846ca68b}; {@code x ^ x >>> 16}
   * (the multiply-xorshift rounds of Wellons' lowbias32, keyed by the two halves of the seed).
   */
  public static int hi32(long seed, int v) {
    int x = v ^ (int) seed;
    x = (x ^ (x >>> 16)) * 0x7feb352d;
    x ^= (int) (seed >>> 32);
    x = (x ^ (x >>> 15)) * 0x846ca68b;
    return x ^ (x >>> 16);
  }

  /**
   * The bottom 32 bits of v2's {@code u(s, v)}: as {@link #hi32} with the seed halves swapped and
   * the multipliers {@code 0xed5ad4bb}, {@code 0xac4c1b51}, so the two halves are unrelated.
   */
  public static int lo32(long seed, int v) {
    int x = v ^ (int) (seed >>> 32);
    x = (x ^ (x >>> 16)) * 0xed5ad4bb;
    x ^= (int) seed;
    x = (x ^ (x >>> 15)) * 0xac4c1b51;
    return x ^ (x >>> 16);
  }

  /** Whether bits {@code u} fall in the green list. */
  public boolean isGreenBits(long u) {
    return (u >>> 11) < greenThreshold;
  }

  /**
   * 1 if bits {@code u} are green under {@code threshold}, else 0, without a branch: green tokens
   * fall at random, so a branch would mispredict often in the per-token loops. Both {@code u >>>
   * 11} and the threshold are below 2^53, so the sign of their difference is the comparison.
   */
  public static long greenBit(long u, long threshold) {
    return ((u >>> 11) - threshold) >>> 63;
  }

  /** Gumbel uniform in (0, 1): {@code ((u >>> 11) + 0.5) / 2^53}. */
  public static double uniform(long u) {
    return ((u >>> 11) + 0.5) * INV_2_53;
  }

  /** Gumbel detection score {@code -ln(1 - r)}, an Exp(1) variable under the null. */
  public static double gumbelScore(long u) {
    return -Math.log(oneMinusUniform(u));
  }

  /** {@code -ln r} of the Gumbel uniform, accurate for r near 0 and near 1. */
  public static double negLnUniform(long u) {
    long x = u >>> 11;
    return x < (1L << 52) ? -Math.log((x + 0.5) * INV_2_53) : -Math.log1p(-oneMinusUniform(u));
  }

  // 1 - r = (2^53 - x - 0.5) / 2^53 with x = u >>> 11, computed without cancellation.
  private static double oneMinusUniform(long u) {
    return ((0x1p53 - (u >>> 11)) - 0.5) * INV_2_53;
  }

  static long readLe64(byte[] b, int off) {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (b[off + i] & 0xffL);
    }
    return v;
  }
}
