package dev.telltale.embed;

import dev.telltale.key.KeyId;
import dev.telltale.key.WatermarkKey;
import dev.telltale.prf.PayloadPrf;
import dev.telltale.prf.VllmPrf;
import dev.telltale.prf.WatermarkPrf;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.scheme.PayloadParameters;
import dev.telltale.scheme.VllmParameters;
import dev.telltale.scheme.WatermarkParameters;
import dev.telltale.text.ContextSkip;
import dev.telltale.text.Tokenizer;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Embeds a key's watermark at decoding time. Immutable and thread-safe: build one per key (and per
 * account, for payload keys) and open a {@link WatermarkSession} per generated sequence.
 */
public final class Watermarker {
  private final KeyId keyId;
  private final WatermarkParameters parameters;
  private final WatermarkPrf prf;
  private final VllmPrf vllmPrf;
  private final PayloadPrf payloadPrf;
  private final int[] accountSymbols;
  private final long account;
  private final double plainShare;
  private final ContextSkip skip;

  private Watermarker(
      WatermarkKey key, PayloadParameters payload, long account, Tokenizer tokenizer) {
    if (key.parameters().robustContext() && tokenizer == null) {
      throw new IllegalArgumentException(
          "key '" + key.id() + "' has robust contexts; its watermarker needs the tokenizer");
    }
    this.skip = key.parameters().robustContext() ? ContextSkip.of(tokenizer) : null;
    this.plainShare = 0;
    this.keyId = key.id();
    this.parameters = key.parameters();
    this.prf = WatermarkPrf.of(key);
    this.vllmPrf = parameters instanceof VllmParameters ? VllmPrf.of(key) : null;
    if (payload == null) {
      this.payloadPrf = null;
      this.accountSymbols = null;
      this.account = -1;
      return;
    }
    if (!(parameters instanceof GreenListParameters)) {
      throw new IllegalArgumentException(
          "an account payload needs a green-list (kgw) key, not " + parameters.schemeName());
    }
    if (!payload.holds(account)) {
      throw new IllegalArgumentException(
          "account id " + account + " does not fit in " + payload.bits() + " payload bits");
    }
    this.payloadPrf = PayloadPrf.of(key, payload);
    this.accountSymbols = new int[payload.positions()];
    for (int j = 0; j < accountSymbols.length; j++) {
      accountSymbols[j] = payload.symbol(account, j);
    }
    this.account = account;
  }

  private Watermarker(Watermarker w, double plainShare) {
    this.keyId = w.keyId;
    this.parameters = w.parameters;
    this.prf = w.prf;
    this.vllmPrf = w.vllmPrf;
    this.payloadPrf = w.payloadPrf;
    this.accountSymbols = w.accountSymbols;
    this.account = w.account;
    this.skip = w.skip;
    this.plainShare = plainShare;
  }

  /**
   * The zero-bit watermark of {@code key}, the same for every account. A key with the
   * robust-context option needs its tokenizer: {@link #of(WatermarkKey, Tokenizer)}.
   */
  public static Watermarker of(WatermarkKey key) {
    return new Watermarker(key, null, -1, null);
  }

  /**
   * The zero-bit watermark of {@code key} over ids of {@code tokenizer}: for a robust-context key
   * its sessions keep the skipped class out of their contexts (callers accept every token).
   */
  public static Watermarker of(WatermarkKey key, Tokenizer tokenizer) {
    return new Watermarker(key, null, -1, Objects.requireNonNull(tokenizer, "tokenizer"));
  }

  /**
   * The zero-bit watermark of {@code key} (unchanged) plus a payload layer spelling {@code account}
   * with {@code payload}'s layout. The key must be a green-list key.
   */
  public static Watermarker withPayload(WatermarkKey key, PayloadParameters payload, long account) {
    return new Watermarker(key, Objects.requireNonNull(payload, "payload"), account, null);
  }

  /** {@link #withPayload} with the payload parameters the key carries. */
  public static Watermarker forAccount(WatermarkKey key, long account) {
    return forAccount(key, account, null);
  }

  /** {@link #forAccount(WatermarkKey, long)} over ids of {@code tokenizer} (see {@link #of}). */
  public static Watermarker forAccount(WatermarkKey key, long account, Tokenizer tokenizer) {
    PayloadParameters p =
        key.parameters() instanceof GreenListParameters g
            ? g.payload()
                .orElseThrow(
                    () -> new IllegalArgumentException("key '" + key.id() + "' has no payload"))
            : null;
    if (p == null) {
      throw new IllegalArgumentException(
          "an account payload needs a green-list (kgw) key, not " + key.parameters().schemeName());
    }
    return new Watermarker(key, p, account, tokenizer);
  }

  /**
   * This watermarker with a share {@code q} of its Gumbel positions sampled ordinarily (with the
   * caller's random generator) instead of by the keyed choice. The diversity remedy for
   * distortion-free sampling: the keyed choice is a fixed function of the context, so outputs of
   * different requests that reach the same context continue alike; a plain step now and then breaks
   * those runs. Detection is unchanged and stays exact (the null never depends on how the
   * watermarked text was made); the cost is power, since a plain position carries no signal. Only
   * for Telltale's Gumbel keys; 0 (the default) gives exactly the tokens of {@link #of}.
   */
  public Watermarker withPlainShare(double q) {
    if (!(parameters instanceof GumbelParameters)) {
      throw new IllegalArgumentException(
          "a plain share applies to gumbel keys, not " + parameters.schemeName());
    }
    if (!(q >= 0 && q < 1)) {
      throw new IllegalArgumentException("plain share must be in [0, 1), got " + q);
    }
    return new Watermarker(this, q);
  }

  /** The share of Gumbel positions sampled ordinarily ({@link #withPlainShare}); 0 by default. */
  public double plainShare() {
    return plainShare;
  }

  /** The account this watermarker spells, if it carries a payload. */
  public OptionalLong account() {
    return payloadPrf == null ? OptionalLong.empty() : OptionalLong.of(account);
  }

  /** The robust-context class of this key's tokenizer, or null for ordinary keys. */
  ContextSkip contextSkip() {
    return skip;
  }

  PayloadPrf payloadPrf() {
    return payloadPrf;
  }

  int[] accountSymbols() {
    return accountSymbols;
  }

  public KeyId keyId() {
    return keyId;
  }

  public WatermarkParameters parameters() {
    return parameters;
  }

  WatermarkPrf prf() {
    return prf;
  }

  /** The vLLM PRF of a vLLM key, else null. */
  VllmPrf vllmPrf() {
    return vllmPrf;
  }

  /** A session with no preceding tokens: the first h generated tokens carry no watermark. */
  public WatermarkSession newSession() {
    return new WatermarkSession(this, new int[0], 0, 0);
  }

  /** A session whose context starts with the tail of {@code prompt[off .. off+len)}. */
  public WatermarkSession newSession(int[] prompt, int off, int len) {
    return new WatermarkSession(this, prompt, off, len);
  }

  @Override
  public String toString() {
    return "Watermarker[key="
        + keyId
        + ", "
        + parameters
        + (payloadPrf == null ? "" : ", account=" + account)
        + (plainShare == 0 ? "" : ", plainShare=" + plainShare)
        + "]";
  }
}
