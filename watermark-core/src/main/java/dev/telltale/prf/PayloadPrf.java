package dev.telltale.prf;

import dev.telltale.key.KeyPurpose;
import dev.telltale.key.SecretAccess;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.PayloadParameters;
import dev.telltale.scheme.PrfVersion;
import java.util.Arrays;

/**
 * The keyed PRF of the account payload layer, independent of the zero-bit green list.
 *
 * <ul>
 *   <li>payload seed {@code p}: the context seed function of the key's PRF version ({@link
 *       WatermarkPrf}) keyed with {@code k_payload}, the first 16 bytes of the HKDF subkey {@link
 *       KeyPurpose#PAYLOAD}: the same window as the context seed, another key (with self-hash the
 *       candidate is not hashed in, so one position serves every candidate);
 *   <li>symbol position {@code floor(hi32(u(p, -1)) * L / 2^32)} of the L positions ({@code u} the
 *       per-token bits of the key's PRF version; -1 is no token id);
 *   <li>colour of token v: the top {@code symbolBits} bits of {@code u(p, v)}, uniform over {@code
 *       2^symbolBits} colours and independent of the green bit, which reads another seed.
 * </ul>
 *
 * Immutable and thread-safe.
 */
public final class PayloadPrf {
  private final long k0;
  private final long k1;
  private final int contextWidth;
  private final int positions;
  private final int colourShift;
  private final PayloadParameters parameters;
  private final boolean v2;

  private PayloadPrf(
      long k0, long k1, int contextWidth, PayloadParameters parameters, PrfVersion version) {
    this.v2 = version == PrfVersion.V2;
    this.k0 = k0;
    this.k1 = k1;
    this.contextWidth = contextWidth;
    this.positions = parameters.positions();
    this.colourShift = 64 - parameters.symbolBits();
    this.parameters = parameters;
  }

  public static PayloadPrf of(WatermarkKey key, PayloadParameters parameters) {
    byte[] sub = key.subkey(KeyPurpose.PAYLOAD, SecretAccess.get());
    long k0 = WatermarkPrf.readLe64(sub, 0);
    long k1 = WatermarkPrf.readLe64(sub, 8);
    Arrays.fill(sub, (byte) 0);
    return new PayloadPrf(k0, k1, key.parameters().contextWidth(), parameters, key.prf());
  }

  public PayloadParameters parameters() {
    return parameters;
  }

  /** Payload seed of the window {@code tokens[end-h .. end)}; requires {@code end >= h}. */
  public long seed(int[] tokens, int end) {
    return v2
        ? SipHash13.hashTokens(k0, k1, tokens, end, contextWidth, -1)
        : SipHash24.hashTokens(k0, k1, tokens, end, contextWidth, -1);
  }

  /** The per-token bits of {@code token} under payload seed {@code seed}. */
  public long bits(long seed, int token) {
    return v2 ? WatermarkPrf.bitsV2(seed, token) : WatermarkPrf.bits(seed, token);
  }

  /** The symbol position, in {@code 0 .. positions-1}, that the window of {@code seed} carries. */
  public int position(long seed) {
    return (int) (((bits(seed, -1) >>> 32) * positions) >>> 32);
  }

  /** The colour of {@code token} under {@code seed}, in {@code 0 .. 2^symbolBits - 1}. */
  public int colour(long seed, int token) {
    return (int) (bits(seed, token) >>> colourShift);
  }

  /** {@code 64 - symbolBits}: the shift that turns per-token bits into a colour. */
  public int colourShift() {
    return colourShift;
  }
}
