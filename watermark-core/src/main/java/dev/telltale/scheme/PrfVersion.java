package dev.telltale.scheme;

import java.util.Optional;

/**
 * Which keyed PRF a Telltale key (kgw, gumbel, payload) derives its context seeds and per-token
 * bits with. A key file names it in {@code "prf"}; a key without the field is {@link #V1}, so every
 * key made before versioning detects exactly as it always did. New keys use {@link #DEFAULT}. vLLM
 * keys carry vLLM's own PRF and ignore this.
 */
public enum PrfVersion {
  /**
   * SipHash-2-4 of the context (each token a 64-bit LE word); per-token bits the SplitMix64
   * finalizer of {@code s ^ v * 0x9E3779B97F4A7C15}.
   */
  V1("v1", "siphash-2-4 context seed, splitmix64 per token"),
  /**
   * SipHash-1-3 of the context (each token a 32-bit LE word); per-token bits two keyed 32-bit
   * multiply-xorshift mixes, so the per-token work runs in 32-bit vector lanes.
   */
  V2("v2", "siphash-1-3 context seed, two 32-bit mixes per token");

  /** What {@code telltale keys create} and {@code WatermarkKey.generate} use. */
  public static final PrfVersion DEFAULT = V2;

  private final String id;
  private final String description;

  PrfVersion(String id, String description) {
    this.id = id;
    this.description = description;
  }

  /** The name in key files, evidence statements and {@code keys list}: "v1" or "v2". */
  public String id() {
    return id;
  }

  public String description() {
    return description;
  }

  /** The version named {@code id}, if this build knows it. */
  public static Optional<PrfVersion> of(String id) {
    for (PrfVersion v : values()) {
      if (v.id.equals(id)) {
        return Optional.of(v);
      }
    }
    return Optional.empty();
  }
}
