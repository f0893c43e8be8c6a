package dev.telltale.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** The primitive set against {@link java.util.HashSet} as the model. */
class LongOpenHashSetTest {
  @Test
  void zeroAndTheExtremesAreOrdinaryMembers() {
    LongOpenHashSet s = new LongOpenHashSet(4);
    assertFalse(s.contains(0));
    assertTrue(s.add(0));
    assertFalse(s.add(0));
    assertTrue(s.contains(0));
    assertTrue(s.add(Long.MIN_VALUE));
    assertTrue(s.add(Long.MAX_VALUE));
    assertTrue(s.add(-1));
    assertFalse(s.add(Long.MIN_VALUE));
    assertEquals(4, s.size());
    s.clear();
    assertEquals(0, s.size());
    assertFalse(s.contains(0));
    assertFalse(s.contains(Long.MIN_VALUE));
    assertTrue(s.add(0));
  }

  @Test
  void growsThroughManyResizesWithoutLosingAMember() {
    // Starting at 16 slots (half full at most), 100,000 members need 2^18 slots: 14 doublings.
    LongOpenHashSet s = new LongOpenHashSet(1);
    Set<Long> model = new HashSet<>();
    SplittableRandom r = new SplittableRandom(42);
    for (int i = 0; i < 100_000; i++) {
      // clustered values (consecutive, and multiples of a large power of two) stress the probing
      long v =
          switch (i % 3) {
            case 0 -> i;
            case 1 -> (long) i << 40;
            default -> r.nextLong();
          };
      assertEquals(model.add(v), s.add(v), "add " + v);
      assertEquals(model.size(), s.size());
    }
    for (long v : model) {
      assertTrue(s.contains(v), "lost " + v);
    }
    for (int i = 0; i < 10_000; i++) {
      long v = r.nextLong();
      assertEquals(model.contains(v), s.contains(v), "contains " + v);
    }
    // clear keeps the grown table usable
    s.clear();
    assertEquals(0, s.size());
    for (long v : model) {
      assertFalse(s.contains(v));
    }
    assertTrue(s.add(3));
    assertEquals(1, s.size());
  }

  /** An operation: add (true) or contains (false) of a value. */
  record Op(boolean add, long value) {}

  @Test
  void behavesLikeHashSetUnderAnySequence() {
    // values from a narrow range repeat often; full-range values and zero cover the rest
    @SuppressWarnings("unchecked")
    Gen<Long> values =
        Generate.frequency(
            Pair.of(3, longs().between(-64, 64)),
            Pair.of(3, longs().all()),
            Pair.of(1, integers().between(0, 20).map(k -> (long) k << 44)),
            Pair.of(1, Generate.constant(0L)));
    Gen<Op> ops = integers().between(0, 3).zip(values, (kind, v) -> new Op(kind != 0, v));
    qt().withFixedSeed(0x10_5E7L)
        .withExamples(200)
        .forAll(lists().of(ops).ofSizeBetween(0, 1000), integers().between(0, 64))
        .checkAssert(
            (List<Op> sequence, Integer expected) -> {
              LongOpenHashSet s = new LongOpenHashSet(expected);
              Set<Long> model = new HashSet<>();
              for (Op op : sequence) {
                if (op.add()) {
                  assertEquals(model.add(op.value()), s.add(op.value()), op.toString());
                } else {
                  assertEquals(model.contains(op.value()), s.contains(op.value()), op.toString());
                }
                assertEquals(model.size(), s.size());
              }
              for (long v : model) {
                assertTrue(s.contains(v));
              }
            });
  }
}
