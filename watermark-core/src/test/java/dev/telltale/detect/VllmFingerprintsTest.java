package dev.telltale.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.telltale.prf.VllmPrf;
import dev.telltale.scheme.VllmDedup;
import dev.telltale.scheme.VllmDualKeyGumbelParameters;
import dev.telltale.scheme.VllmGumbelParameters;
import dev.telltale.scheme.VllmParameters;
import dev.telltale.scheme.VllmRedGreenParameters;
import dev.telltale.scheme.VllmSbwParameters;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A block of fingerprints, as scoring computes them, equals the fingerprints token by token. */
class VllmFingerprintsTest {
  private static VllmParameters parameters(int scheme, int width) {
    OptionalInt history = OptionalInt.of(8192);
    return switch (scheme) {
      case 0 -> new VllmGumbelParameters(width, VllmDedup.SINGLE_TURN, history, true);
      case 1 ->
          new VllmDualKeyGumbelParameters(width, VllmDedup.SINGLE_TURN, history, true, 0.1, 0.1);
      case 2 -> new VllmRedGreenParameters(width, VllmDedup.SINGLE_TURN, history, true, 0.25, 2.0);
      default -> new VllmSbwParameters(width, VllmDedup.SINGLE_TURN, history, true, 0.5, 2.0);
    };
  }

  @Test
  void blockEqualsTokenByToken() {
    SplittableRandom rnd = new SplittableRandom(20261208L);
    for (int round = 0; round < 400; round++) {
      int width = 1 + rnd.nextInt(9);
      VllmFingerprints f =
          new VllmFingerprints(VllmPrf.of(parameters(round % 4, width), rnd.nextLong()));
      int len = 1 + rnd.nextInt(200);
      int[] tokens = new int[len];
      for (int i = 0; i < len; i++) {
        tokens[i] = rnd.nextInt(round % 5 == 0 ? 4 : 150_000);
      }
      int floor = rnd.nextInt(len);
      long[] fps = f.blockFingerprints();
      long[] ctxs = f.blockContexts();
      for (int from = floor; from < len; ) {
        int to = Math.min(len, from + 1 + rnd.nextInt(fps.length));
        f.fingerprints(tokens, floor, from, to, fps, ctxs);
        for (int i = from; i < to; i++) {
          String at = "round " + round + " width " + width + " token " + i;
          assertEquals(f.fingerprint(tokens, floor, i, tokens[i]), fps[i - from], at);
          assertEquals(f.lastContext(), ctxs[i - from], at);
        }
        from = to;
      }
    }
  }
}
