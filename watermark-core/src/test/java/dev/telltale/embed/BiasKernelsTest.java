package dev.telltale.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.telltale.prf.WatermarkPrf;
import dev.telltale.scheme.PrfVersion;
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
    // v2's 32-bit lanes pay off from 256-bit vectors (AVX2) up
    BiasKernels.Kernel v2 = BiasKernels.vectorKernel(PrfVersion.V2).orElseThrow();
    assertEquals(v2.profitable() ? v2.name() : "scalar", BiasKernels.path(PrfVersion.V2));
  }

  /**
   * PRF v2: the Vector API kernel equals the scalar loop bit for bit, and both equal the definition
   * {@code (bitsV2(s, v) >>> 11) < threshold}. Every other example puts the threshold's top 32 bits
   * on some token's {@code hi32}, the case (probability 2^-32 per token otherwise) where the low
   * half decides.
   */
  @Test
  void v2VectorAndScalarKernelsAgreeBitForBitWithTheDefinition() {
    BiasKernels.Kernel vector = BiasKernels.vectorKernel(PrfVersion.V2).orElseThrow();
    qt().withFixedSeed(0x2B1A5L)
        .withExamples(400)
        .forAll(longs().all(), integers().between(0, 1100), integers().between(0, 9))
        .checkAssert(
            (seed, n, off) -> {
              SplittableRandom r = new SplittableRandom(seed);
              long contextSeed = r.nextLong();
              long threshold = (long) (r.nextDouble() * (1L << 53));
              if (n > 0 && (seed & 1) == 0) {
                int tie = r.nextInt(n);
                long hi = WatermarkPrf.hi32(contextSeed, tie) & 0xffffffffL;
                threshold = (hi << 21) | r.nextLong(1L << 21);
              }
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
              float[] expected = logits.clone();
              for (int v = 0; v < n; v++) {
                boolean green = (WatermarkPrf.bitsV2(contextSeed, v) >>> 11) < threshold;
                expected[off + v] += green ? delta : 0.0f;
              }
              float[] scalar = logits.clone();
              BiasKernels.greenBiasScalar(
                  PrfVersion.V2, scalar, off, n, contextSeed, threshold, delta);
              vector.greenBias(logits, off, n, contextSeed, threshold, delta);
              for (int i = 0; i < logits.length; i++) {
                int want = Float.floatToRawIntBits(expected[i]);
                assertEquals(want, Float.floatToRawIntBits(scalar[i]), "scalar logit " + i);
                assertEquals(want, Float.floatToRawIntBits(logits[i]), "vector logit " + i);
              }
            });
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
