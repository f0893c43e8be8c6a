package dev.telltale.forensics.radioactivity;

import dev.telltale.collect.LongOpenHashSet;
import dev.telltale.key.KeyId;
import dev.telltale.key.WatermarkKey;
import dev.telltale.prf.WatermarkPrf;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.stats.TailProbability;
import dev.telltale.stats.Tails;
import dev.telltale.text.ContextSkip;
import dev.telltale.text.Tokenizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The context windows that occur at least {@code minCount} times in a reference text chosen without
 * the key (the supervised filter of a radioactivity test): human text of the domain we served, or
 * our model's outputs generated without the watermark. A student learns the watermark's bias where
 * it saw our text, and those are the windows common in what our model writes, so scoring only them
 * concentrates the evidence.
 *
 * <p>The rule must not depend on the key's green lists, or the test is not exact: how often
 * watermarked generation revisits a window depends on that window's green list (a green
 * continuation can loop back to it), so windows frequent in our <em>watermarked</em> outputs are
 * enriched in green tuples that an innocent model also produces. A reference text that carries this
 * key's watermark is therefore refused ({@link #fromReference}). Windows are held as the key's
 * keyed context seeds; immutable after construction.
 */
public final class WindowFilter {
  /**
   * A reference whose own zero-bit test reaches this p-value carries the key's watermark and is
   * refused.
   */
  public static final double WATERMARKED_REFERENCE_P = 1e-6;

  private final KeyId keyId;
  private final LongOpenHashSet windows;

  private WindowFilter(KeyId keyId, LongOpenHashSet windows) {
    this.keyId = keyId;
    this.windows = windows;
  }

  /**
   * Windows seen at least {@code minCount} times in {@code reference} (token ids), text chosen
   * without the key.
   *
   * @throws IllegalArgumentException when {@code minCount < 1}, or when the reference carries this
   *     key's watermark (its deduplicated tuples reach p ≤ {@link #WATERMARKED_REFERENCE_P})
   */
  public static WindowFilter fromReference(
      WatermarkKey key, Iterable<int[]> reference, int minCount) {
    if (key.parameters().robustContext()) {
      throw new IllegalArgumentException(
          "key '" + key.id() + "' has robust contexts; its window filter needs the tokenizer");
    }
    return build(key, reference, minCount);
  }

  /**
   * As {@link #fromReference(WatermarkKey, Iterable, int)} for ids of {@code tokenizer}: for a
   * robust-context key the windows are those of the reference without its skipped class.
   */
  public static WindowFilter fromReference(
      WatermarkKey key, Tokenizer tokenizer, Iterable<int[]> reference, int minCount) {
    if (!key.parameters().robustContext()) {
      return build(key, reference, minCount);
    }
    ContextSkip skip = ContextSkip.of(tokenizer);
    List<int[]> kept = new ArrayList<>();
    for (int[] ids : reference) {
      kept.add(skip.kept(ids));
    }
    return build(key, kept, minCount);
  }

  private static WindowFilter build(WatermarkKey key, Iterable<int[]> reference, int minCount) {
    if (minCount < 1) {
      throw new IllegalArgumentException("minCount must be at least 1, got " + minCount);
    }
    WatermarkPrf prf = WatermarkPrf.of(key);
    int h = prf.contextWidth();
    boolean greenList = key.parameters() instanceof GreenListParameters;
    Map<Long, Integer> counts = new HashMap<>();
    LongOpenHashSet tape = new LongOpenHashSet(1 << 12);
    long scored = 0;
    long green = 0;
    double sum = 0;
    for (int[] ids : reference) {
      for (int i = h; i <= ids.length; i++) {
        long window = prf.contextSeed(ids, i);
        counts.merge(window, 1, Integer::sum);
        if (i < ids.length) {
          int token = ids[i];
          long seed = prf.selfHash() ? prf.selfHashSeed(ids, i, token) : window;
          long u = prf.tokenBits(seed, token);
          if (tape.add(u)) {
            scored++;
            if (greenList) {
              green += WatermarkPrf.greenBit(u, prf.greenThreshold());
            } else {
              sum += WatermarkPrf.gumbelScore(u);
            }
          }
        }
      }
    }
    if (scored > 0) {
      TailProbability p =
          greenList
              ? Tails.binomialUpper(
                  scored, green, ((GreenListParameters) key.parameters()).effectiveGamma())
              : Tails.gammaUpper(scored, sum);
      if (p.log10PValue() <= Math.log10(WATERMARKED_REFERENCE_P)) {
        throw new IllegalArgumentException(
            String.format(
                "the reference text carries key '%s''s watermark (log10 p %.1f over %d tuples):"
                    + " windows chosen from watermarked text depend on the key's green lists;"
                    + " use human text or outputs generated without the watermark",
                key.id().value(), p.log10PValue(), scored));
      }
    }
    LongOpenHashSet set = new LongOpenHashSet(counts.size());
    counts.forEach(
        (seed, c) -> {
          if (c >= minCount) {
            set.add(seed);
          }
        });
    return new WindowFilter(key.id(), set);
  }

  public KeyId keyId() {
    return keyId;
  }

  public int size() {
    return windows.size();
  }

  boolean contains(long windowSeed) {
    return windows.contains(windowSeed);
  }
}
