package dev.telltale.forensics.attribution;

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
 * @param candidates list decoding, best first; empty when not decoded; for mixed sources, the
 *     accounts decoded with confidence from parts of the text first
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
    ATTRIBUTED("attributed"),
    /**
     * The text carries payloads of more than one account (e.g. outputs of several accounts pasted
     * together): the decoded account may be a chimera that served none of it, so no account is
     * named; see the candidates.
     */
    MIXED_SOURCES("mixed_sources");

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

  /**
   * Corrected p-value of the decoded account; one when nothing was decoded or the sources are mixed
   * (then no account is named, and Holm over documents must not name one either).
   */
  public TailProbability correctedP() {
    if (outcome == Outcome.MIXED_SOURCES) {
      return TailProbability.ONE;
    }
    return decoded.map(AccountCandidate::correctedP).orElse(TailProbability.ONE);
  }
}
