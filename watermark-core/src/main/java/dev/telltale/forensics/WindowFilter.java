package dev.telltale.forensics;

import dev.telltale.collect.LongOpenHashSet;
import dev.telltale.key.KeyId;
import dev.telltale.key.WatermarkKey;
import dev.telltale.prf.WatermarkPrf;
import java.util.HashMap;
import java.util.Map;

/**
 * The context windows that occur at least {@code minCount} times in our own watermarked outputs
 * (the supervised filter of a radioactivity test): a student learns the watermark's bias where it
 * saw our text, so scoring only those windows concentrates the evidence. Choosing windows from our
 * outputs never looks at the suspect's answers, so the test stays valid. Windows are held as the
 * key's keyed context seeds; immutable after construction.
 */
public final class WindowFilter {
  private final KeyId keyId;
  private final LongOpenHashSet windows;

  private WindowFilter(KeyId keyId, LongOpenHashSet windows) {
    this.keyId = keyId;
    this.windows = windows;
  }

  /** Windows seen at least {@code minCount} times in {@code outputs} (token ids). */
  public static WindowFilter frequent(WatermarkKey key, Iterable<int[]> outputs, int minCount) {
    if (minCount < 1) {
      throw new IllegalArgumentException("minCount must be at least 1, got " + minCount);
    }
    WatermarkPrf prf = WatermarkPrf.of(key);
    int h = prf.contextWidth();
    Map<Long, Integer> counts = new HashMap<>();
    for (int[] ids : outputs) {
      for (int i = h; i <= ids.length; i++) {
        counts.merge(prf.contextSeed(ids, i), 1, Integer::sum);
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
