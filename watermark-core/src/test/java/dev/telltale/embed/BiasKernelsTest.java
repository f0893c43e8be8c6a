package dev.telltale.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.telltale.prf.WatermarkPrf;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The Vector API bias kernel equals the scalar loop bit for bit. */
class BiasKernelsTest {

  @Test
  void theVectorKernelRunsWhenTheModuleIsPresent() {
    // surefire adds --add-modules jdk.incubator.vector for this module
    BiasKernels.Kernel vector = BiasKernels.vectorKernel().orElseThrow();
    assertTrue(BiasKernels.vectorAvailable());
    // below 512-bit vectors the 64-bit lane multiply is not intrinsified: the scalar loop runs
    assertEquals(vector.profitable() ? vector.name() : "scalar", BiasKernels.path());
  }

  @Test
  void vectorAndScalarKernelsAgreeBitForBit() {
    BiasKernels.Kernel vector = BiasKernels.vectorKernel().orElseThrow();
    qt().withFixedSeed(99L)
        .withExamples(300)
        .forAll(longs().all(), integers().between(0, 700), integers().between(0, 9))
        .checkAssert(
            (seed, n, off) -> {
              SplittableRandom r = new SplittableRandom(seed);
              long contextSeed = r.nextLong();
              long threshold = (long) (r.nextDouble() * (1L << 53));
              float delta = (float) (8 * r.nextDouble());
              float[] logits = new float[off + n + r.nextInt(5)];
              for (int i = 0; i < logits.length; i++) {
                int k = r.nextInt(30);
                logits[i] =
                    k == 0
                        ? -0.0f
                        : k == 1
                            ? Float.NaN
                            : k == 2 ? Float.NEGATIVE_INFINITY : (float) (4 * r.nextGaussian());
              }
              float[] scalar = logits.clone();
              BiasKernels.greenBiasScalar(scalar, off, n, contextSeed, threshold, delta);
              vector.greenBias(logits, off, n, contextSeed, threshold, delta);
              for (int i = 0; i < logits.length; i++) {
                assertEquals(
                    Float.floatToRawIntBits(scalar[i]),
                    Float.floatToRawIntBits(logits[i]),
                    "logit " + i);
              }
            });
  }

  @Test
  void theScalarKernelBiasesExactlyTheGreenTokens() {
    float[] logits = new float[1000];
    long seed = 0x1234_5678_9abcL;
    long threshold = 1L << 51; // gamma = 1/4
    BiasKernels.greenBiasScalar(logits, 0, 1000, seed, threshold, 2f);
    int green = 0;
    for (int v = 0; v < 1000; v++) {
      boolean g = (WatermarkPrf.bits(seed, v) >>> 11) < threshold;
      assertEquals(g ? 2f : 0f, logits[v], "token " + v);
      green += g ? 1 : 0;
    }
    assertTrue(green > 180 && green < 320, "about a quarter green: " + green);
  }
}
