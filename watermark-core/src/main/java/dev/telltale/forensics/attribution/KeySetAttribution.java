package dev.telltale.forensics.attribution;

import dev.telltale.detect.DetectionPolicy;
import dev.telltale.key.KeySet;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.text.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Attribution over every payload key of a key set, as {@code telltale attribute} and the verifier
 * service run it: each document is attributed under the key whose zero-bit test is most
 * significant, the zero-bit level is Bonferroni-split over the payload keys (each is a separate
 * test), and documents are combined with {@link Attribution#combine}. Immutable and thread-safe.
 */
public final class KeySetAttribution {
  private final List<Attribution> attributions;
  private final Tokenizer tokenizer;
  private final double alpha;
  private final double detectAlpha;

  private KeySetAttribution(
      List<Attribution> attributions, Tokenizer tokenizer, double alpha, double detectAlpha) {
    this.attributions = attributions;
    this.tokenizer = tokenizer;
    this.alpha = alpha;
    this.detectAlpha = detectAlpha;
  }

  /** Whether {@code key} carries an account payload layer. */
  public static boolean hasPayload(WatermarkKey key) {
    return key.parameters() instanceof GreenListParameters g && g.payload().isPresent();
  }

  /** The keys of {@code set} that carry an account payload, in key-set order. */
  public static List<WatermarkKey> payloadKeys(KeySet set) {
    return set.keys().stream().filter(KeySetAttribution::hasPayload).toList();
  }

  /**
   * Attribution under {@code keys} (every one must carry a payload).
   *
   * @param alpha level at which an account is named
   * @param detectAlpha level of the zero-bit test that gates decoding, split over the keys
   * @param top candidates listed per document
   * @throws IllegalArgumentException when {@code keys} is empty, a key has no payload or a level or
   *     count is out of range (the message names the problem)
   */
  public static KeySetAttribution of(
      List<WatermarkKey> keys, Tokenizer tokenizer, double alpha, double detectAlpha, int top) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("no key with an account payload (payload_bits)");
    }
    AttributionPolicy policy =
        new AttributionPolicy(
            DetectionPolicy.defaults().withAlpha(detectAlpha / keys.size()), alpha, top);
    List<Attribution> list = new ArrayList<>(keys.size());
    for (WatermarkKey k : keys) {
      list.add(Attribution.of(k, tokenizer, policy));
    }
    return new KeySetAttribution(List.copyOf(list), tokenizer, alpha, detectAlpha);
  }

  public Tokenizer tokenizer() {
    return tokenizer;
  }

  public double alpha() {
    return alpha;
  }

  public double detectAlpha() {
    return detectAlpha;
  }

  /** The attribution of one text under the key whose zero-bit test is most significant. */
  public DocumentAttribution attributeText(String text) {
    DocumentAttribution best = null;
    for (Attribution a : attributions) {
      DocumentAttribution d = a.attributeText(text);
      if (best == null || rank(d) < rank(best)) {
        best = d;
      }
    }
    return best;
  }

  /** The attribution of token ids under the key whose zero-bit test is most significant. */
  public DocumentAttribution attributeTokens(int[] ids, int off, int len) {
    DocumentAttribution best = null;
    for (Attribution a : attributions) {
      DocumentAttribution d = a.attributeTokens(ids, off, len);
      if (best == null || rank(d) < rank(best)) {
        best = d;
      }
    }
    return best;
  }

  /** Attributes each text and names accounts with Holm's correction over the documents. */
  public CorpusAttribution attributeTexts(List<String> texts) {
    List<DocumentAttribution> docs = new ArrayList<>(texts.size());
    for (String t : texts) {
      docs.add(attributeText(t));
    }
    return combine(docs);
  }

  /** Combines documents attributed one by one (e.g. while reading files) at this alpha. */
  public CorpusAttribution combine(List<DocumentAttribution> docs) {
    return Attribution.combine(docs, alpha);
  }

  // Decoded results first, then by zero-bit p-value.
  private static double rank(DocumentAttribution d) {
    return (d.outcome() == DocumentAttribution.Outcome.NOT_WATERMARKED ? 1e6 : 0)
        + d.zeroBit().log10PValue();
  }
}
