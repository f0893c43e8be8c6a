package dev.telltale.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.telltale.prf.PhiloxBatch;
import dev.telltale.prf.VllmPrf;
import dev.telltale.scheme.VllmDedup;
import dev.telltale.scheme.VllmDualKeyGumbelParameters;
import dev.telltale.scheme.VllmGumbelParameters;
import dev.telltale.scheme.VllmParameters;
import dev.telltale.scheme.VllmRedGreenParameters;
import dev.telltale.scheme.VllmSbwParameters;
import dev.telltale.scheme.VllmSynthIdParameters;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A block of fingerprints and context digests, as scoring computes them on either Philox path
 * (scalar chains, Vector API lanes), equals the fingerprints token by token.
 */
class VllmFingerprintsTest {
  private static VllmParameters parameters(int scheme, int width) {
    OptionalInt history = OptionalInt.of(8192);
    return switch (scheme) {
      case 0 -> new VllmGumbelParameters(width, VllmDedup.SINGLE_TURN, history, true);
      case 1 ->
          new VllmDualKeyGumbelParameters(width, VllmDedup.SINGLE_TURN, history, true, 0.1, 0.1);
      case 2 -> new VllmRedGreenParameters(width, VllmDedup.SINGLE_TURN, history, true, 0.25, 2.0);
      case 3 -> new VllmSynthIdParameters(width, VllmDedup.SINGLE_TURN, history, true, 7);
      default -> new VllmSbwParameters(width, VllmDedup.SINGLE_TURN, history, true, 0.5, 2.0);
    };
  }

  @Test
  void blockEqualsTokenByToken() {
    SplittableRandom rnd = new SplittableRandom(20261208L);
    for (int round = 0; round < 800; round++) {
      int width = 1 + rnd.nextInt(round % 7 == 0 ? VllmParameters.MAX_VLLM_CONTEXT_WIDTH : 9);
      PhiloxBatch batch =
          (round & 1) == 0
              ? PhiloxBatch.scalar(VllmFingerprints.BLOCK)
              : PhiloxBatch.vector(VllmFingerprints.BLOCK).orElseThrow();
      VllmFingerprints f =
          new VllmFingerprints(
              VllmPrf.of(parameters((round >>> 1) % 5, width), rnd.nextLong()), batch);
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
