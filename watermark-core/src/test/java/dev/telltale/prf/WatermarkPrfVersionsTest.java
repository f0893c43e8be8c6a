package dev.telltale.prf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.telltale.TestKeys;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.PrfVersion;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The scoring loop's block form of the PRF equals it position by position, in both versions. */
class WatermarkPrfVersionsTest {
  @Test
  void tupleBitsEqualSeedThenTokenBitsAtEveryPosition() {
    qt().withFixedSeed(0x7B175L)
        .withExamples(300)
        .forAll(longs().all(), integers().between(1, 5), booleans().all(), booleans().all())
        .checkAssert(
            (seed, h, selfHash, v2) -> {
              PrfVersion version = v2 ? PrfVersion.V2 : PrfVersion.V1;
              WatermarkPrf prf =
                  WatermarkPrf.of(
                      TestKeys.key(
                          seed,
                          GreenListParameters.builder().contextWidth(h).selfHash(selfHash).build(),
                          version));
              assertEquals(version, prf.version());
              SplittableRandom r = new SplittableRandom(seed);
              int[] ids = r.ints(h + r.nextInt(300), 0, 200_019).toArray();
              int from = h + r.nextInt(ids.length - h + 1);
              long[] out = new long[ids.length - from + 3];
              prf.tupleBits(ids, from, ids.length, out);
              for (int i = from; i < ids.length; i++) {
                long s = selfHash ? prf.selfHashSeed(ids, i, ids[i]) : prf.contextSeed(ids, i);
                assertEquals(WatermarkPrf.bits(version, s, ids[i]), out[i - from], "position " + i);
                assertEquals(prf.tokenBits(s, ids[i]), out[i - from]);
              }
            });
  }
}
