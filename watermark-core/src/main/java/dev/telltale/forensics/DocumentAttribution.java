package dev.telltale.forensics;

import dev.telltale.detect.Detection;
import dev.telltale.stats.TailProbability;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Attribution of one input.
 *
 * @param zeroBit the zero-bit detection that gates decoding
 * @param outcome what could be said
 * @param votes payload votes cast (deduplicated green tuples); zero when not decoded
 * @param decoded the best candidate, when decoded
 * @param candidates list decoding, best first; empty when not decoded
 */
public record DocumentAttribution(
    Detection zeroBit,
    Outcome outcome,
    long votes,
    Optional<AccountCandidate> decoded,
    List<AccountCandidate> candidates) {

  /** What attribution concluded. */
  public enum Outcome {
    /** The zero-bit test did not pass: nothing is decoded. */
    NOT_WATERMARKED("not_watermarked"),
    /** Watermarked, but no account reaches the attribution level: see the candidates. */
    INCONCLUSIVE("inconclusive"),
    /** The decoded account's corrected p-value is at most the attribution level. */
    ATTRIBUTED("attributed");

    private final String label;

    Outcome(String label) {
      this.label = label;
    }

    /** Lower-case name used in JSON. */
    public String label() {
      return label;
    }
  }

  public DocumentAttribution {
    candidates = List.copyOf(candidates);
  }

  /** The attributed account, if any. */
  public OptionalLong account() {
    return outcome == Outcome.ATTRIBUTED
        ? OptionalLong.of(decoded.orElseThrow().account())
        : OptionalLong.empty();
  }

  /** Corrected p-value of the decoded account; one when nothing was decoded. */
  public TailProbability correctedP() {
    return decoded.map(AccountCandidate::correctedP).orElse(TailProbability.ONE);
  }
}
