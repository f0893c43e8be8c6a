package dev.telltale.embed;

import dev.telltale.key.KeyId;
import dev.telltale.key.WatermarkKey;
import dev.telltale.prf.WatermarkPrf;
import dev.telltale.scheme.WatermarkParameters;

/**
 * Embeds a key's watermark at decoding time. Immutable and thread-safe: build one per key and open
 * a {@link WatermarkSession} per generated sequence.
 */
public final class Watermarker {
  private final KeyId keyId;
  private final WatermarkParameters parameters;
  private final WatermarkPrf prf;

  private Watermarker(WatermarkKey key) {
    this.keyId = key.id();
    this.parameters = key.parameters();
    this.prf = WatermarkPrf.of(key);
  }

  public static Watermarker of(WatermarkKey key) {
    return new Watermarker(key);
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
    return "Watermarker[key=" + keyId + ", " + parameters + "]";
  }
}
