package dev.telltale.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.TestKeys;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PlainShareTest {
  static final int VOCAB = 50;

  @Test
  void aShareOfPositionsLeavesTheKeyedChoice() {
    var key = TestKeys.key(11, GumbelParameters.builder().contextWidth(4).build());
    WatermarkSession mixed = Watermarker.of(key).withPlainShare(0.3).newSession();
    WatermarkSession keyed = Watermarker.of(key).newSession();
    float[] logits = new float[VOCAB];
    SplittableRandom context = new SplittableRandom(5);
    SplittableRandom draws = new SplittableRandom(6);
    int steps = 0;
    int same = 0;
    for (int i = 0; i < 2_000; i++) {
      if (keyed.watermarking()) {
        steps++;
        int a = mixed.sample(logits.clone(), 1.0, draws);
        int b = keyed.sample(logits.clone(), 1.0, new SplittableRandom(i));
        same += a == b ? 1 : 0;
      }
      // Both sessions see the same random context, so each keyed step is a fresh context.
      int t = context.nextInt(VOCAB);
      mixed.accept(t);
      keyed.accept(t);
    }
    // Flat logits: a plain step agrees with the keyed choice with probability 1/50.
    double expected = 0.7 + 0.3 / VOCAB;
    double share = same / (double) steps;
    double sd = Math.sqrt(expected * (1 - expected) / steps);
    assertTrue(steps > 1_900, "steps " + steps);
    assertTrue(Math.abs(share - expected) < 5 * sd, share + " vs " + expected);
  }

  @Test
  void zeroIsTheKeyedSamplerAndTheShareIsValidated() {
    var key = TestKeys.key(12, GumbelParameters.defaults());
    WatermarkSession a = Watermarker.of(key).withPlainShare(0).newSession();
    WatermarkSession b = Watermarker.of(key).newSession();
    SplittableRandom ra = new SplittableRandom(1);
    SplittableRandom rb = new SplittableRandom(1);
    float[] logits = new float[VOCAB];
    for (int v = 0; v < VOCAB; v++) {
      logits[v] = (v % 7) * 0.5f;
    }
    for (int i = 0; i < 500; i++) {
      int x = a.sample(Arrays.copyOf(logits, VOCAB), 0.8, ra);
      assertEquals(x, b.sample(Arrays.copyOf(logits, VOCAB), 0.8, rb));
      a.accept(x);
      b.accept(x);
    }
    Watermarker w = Watermarker.of(key);
    assertThrows(IllegalArgumentException.class, () -> w.withPlainShare(1));
    assertThrows(IllegalArgumentException.class, () -> w.withPlainShare(-0.1));
    assertThrows(IllegalArgumentException.class, () -> w.withPlainShare(Double.NaN));
    Watermarker kgw = Watermarker.of(TestKeys.key(13, GreenListParameters.defaults()));
    assertThrows(IllegalArgumentException.class, () -> kgw.withPlainShare(0.1));
  }
}
