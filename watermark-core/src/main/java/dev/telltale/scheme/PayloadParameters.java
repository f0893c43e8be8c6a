package dev.telltale.scheme;

/**
 * Multi-bit payload (an account id) nested inside a green-list watermark. The payload is cut into
 * {@code bits / symbolBits} symbols; at each position the context picks one symbol index, a keyed
 * PRF colours the green list with {@code 2^symbolBits} colours, and green tokens of the colour that
 * spells the account's symbol get {@code delta} more. The zero-bit green list is untouched, so
 * detection without the payload key sees the same signal for every account.
 *
 * @param bits payload length in bits, 1..32 (account ids are {@code 0 .. 2^bits - 1})
 * @param symbolBits bits per symbol, 1..8, dividing {@code bits}
 * @param delta extra logit bias of the account's colour inside the green list, in (0, 20]
 */
public record PayloadParameters(int bits, int symbolBits, double delta) {
  public static final int DEFAULT_BITS = 24;
  public static final int DEFAULT_SYMBOL_BITS = 8;
  public static final double DEFAULT_DELTA = 4.0;
  public static final int MAX_BITS = 32;
  public static final int MAX_SYMBOL_BITS = 8;

  public PayloadParameters {
    if (bits < 1 || bits > MAX_BITS) {
      throw new IllegalArgumentException(
          "payload bits must be in 1.." + MAX_BITS + ", got " + bits);
    }
    if (symbolBits < 1 || symbolBits > MAX_SYMBOL_BITS) {
      throw new IllegalArgumentException(
          "payload symbol bits must be in 1.." + MAX_SYMBOL_BITS + ", got " + symbolBits);
    }
    if (bits % symbolBits != 0) {
      throw new IllegalArgumentException(
          "payload symbol bits (" + symbolBits + ") must divide payload bits (" + bits + ")");
    }
    if (!(delta > 0.0 && delta <= GreenListParameters.MAX_DELTA)) {
      throw new IllegalArgumentException(
          "payload delta must be in (0, " + GreenListParameters.MAX_DELTA + "], got " + delta);
    }
  }

  /**
   * {@code bits} with the default delta and the largest symbol width up to the default that divides
   * {@code bits}.
   */
  public static PayloadParameters ofBits(int bits) {
    int b = Math.min(DEFAULT_SYMBOL_BITS, Math.max(1, bits));
    while (b > 1 && bits % b != 0) {
      b--;
    }
    return new PayloadParameters(bits, b, DEFAULT_DELTA);
  }

  public static PayloadParameters defaults() {
    return ofBits(DEFAULT_BITS);
  }

  /** Number of symbol positions, {@code bits / symbolBits}. */
  public int positions() {
    return bits / symbolBits;
  }

  /** Number of colours per position, {@code 2^symbolBits}. */
  public int colours() {
    return 1 << symbolBits;
  }

  /** Number of distinct accounts, {@code 2^bits}. */
  public long accounts() {
    return 1L << bits;
  }

  /** Whether {@code account} fits in the payload. */
  public boolean holds(long account) {
    return account >= 0 && account < accounts();
  }

  /** The symbol of {@code account} at {@code position} (low symbol first). */
  public int symbol(long account, int position) {
    return (int) ((account >>> (position * symbolBits)) & (colours() - 1));
  }
}
