package dev.telltale.embed;

import dev.telltale.prf.WatermarkPrf;
import dev.telltale.scheme.PrfVersion;
import java.util.Optional;

/**
 * The full-vocabulary green-list bias kernels, one per PRF version: each adds {@code delta} to
 * {@code logits[off + v]} for every green token {@code v < n} and {@code +0.0f} to every other one
 * (so scalar and vector paths agree bit for bit, {@code -0.0f} included). With {@code --add-modules
 * jdk.incubator.vector} the Vector API kernels ({@link VectorBiasKernel} for v1's 64-bit lanes,
 * {@link VectorBiasKernelV2} for v2's 32-bit lanes, loaded only when that module is present) are
 * used where they pay off (v2's; v1's only when forced with {@code -Dtelltale.bias.kernel=vector}),
 * unless {@code -Dtelltale.bias.kernel=scalar}; otherwise the scalar loops. Which ones run is
 * logged once at INFO ({@code System.Logger} "dev.telltale.embed.BiasKernels").
 */
public final class BiasKernels {
  /** Whatever path runs: a scalar loop or a Vector API one. */
  interface Kernel {
    void greenBias(float[] logits, int off, int n, long seed, long threshold, float delta);

    String name();

    /** Whether this kernel is expected to beat the scalar loop on this CPU. */
    boolean profitable();
  }

  private static final Kernel SCALAR = new Scalar();
  private static final Kernel SCALAR_V2 = new ScalarV2();
  private static final Kernel VECTOR = loadVector("dev.telltale.embed.VectorBiasKernel");
  private static final Kernel VECTOR_V2 = loadVector("dev.telltale.embed.VectorBiasKernelV2");
  private static final Kernel KERNEL;
  private static final Kernel KERNEL_V2;

  static {
    String choice = System.getProperty("telltale.bias.kernel", "auto");
    KERNEL = select(choice, SCALAR, VECTOR);
    KERNEL_V2 = select(choice, SCALAR_V2, VECTOR_V2);
    System.getLogger(BiasKernels.class.getName())
        .log(
            System.Logger.Level.INFO,
            "green-list bias: PRF v1 "
                + KERNEL.name()
                + " kernel, PRF v2 "
                + KERNEL_V2.name()
                + " kernel ("
                + reason(choice)
                + ")");
  }

  private BiasKernels() {}

  /** PRF v1: adds {@code delta} to the green tokens {@code v < n} at {@code logits[off + v]}. */
  public static void greenBias(
      float[] logits, int off, int n, long seed, long threshold, float delta) {
    greenBias(PrfVersion.V1, logits, off, n, seed, threshold, delta);
  }

  /**
   * Adds {@code delta} to the green tokens of PRF {@code prf}, {@code v < n}, at {@code off + v}.
   */
  public static void greenBias(
      PrfVersion prf, float[] logits, int off, int n, long seed, long threshold, float delta) {
    checkRow(logits, off, n);
    (prf == PrfVersion.V2 ? KERNEL_V2 : KERNEL).greenBias(logits, off, n, seed, threshold, delta);
  }

  /** PRF v1's scalar loop whatever the module setting. */
  public static void greenBiasScalar(
      float[] logits, int off, int n, long seed, long threshold, float delta) {
    greenBiasScalar(PrfVersion.V1, logits, off, n, seed, threshold, delta);
  }

  /** The scalar loop of {@code prf} whatever the module setting (what the vector kernel equals). */
  public static void greenBiasScalar(
      PrfVersion prf, float[] logits, int off, int n, long seed, long threshold, float delta) {
    checkRow(logits, off, n);
    (prf == PrfVersion.V2 ? SCALAR_V2 : SCALAR).greenBias(logits, off, n, seed, threshold, delta);
  }

  /** Whether the Vector API kernels could be loaded (the module is in the boot layer). */
  public static boolean vectorAvailable() {
    return VECTOR != null && VECTOR_V2 != null;
  }

  /** PRF v1's Vector API kernel whatever the selection (for benchmarks). */
  public static void greenBiasVector(
      float[] logits, int off, int n, long seed, long threshold, float delta) {
    greenBiasVector(PrfVersion.V1, logits, off, n, seed, threshold, delta);
  }

  /**
   * The Vector API kernel of {@code prf} whatever the selection (for benchmarks); throws {@link
   * IllegalStateException} without the module.
   */
  public static void greenBiasVector(
      PrfVersion prf, float[] logits, int off, int n, long seed, long threshold, float delta) {
    Kernel k = prf == PrfVersion.V2 ? VECTOR_V2 : VECTOR;
    if (k == null) {
      throw new IllegalStateException("jdk.incubator.vector is not in this JVM (--add-modules)");
    }
    checkRow(logits, off, n);
    k.greenBias(logits, off, n, seed, threshold, delta);
  }

  /** "vector (...)" or "scalar": the path PRF v1's {@link #greenBias} takes in this JVM. */
  public static String path() {
    return KERNEL.name();
  }

  /** "vector (...)" or "scalar": the path {@link #greenBias} takes for {@code prf} in this JVM. */
  public static String path(PrfVersion prf) {
    return (prf == PrfVersion.V2 ? KERNEL_V2 : KERNEL).name();
  }

  /** PRF v1's Vector API kernel if the module is present, else empty (for tests). */
  static Optional<Kernel> vectorKernel() {
    return Optional.ofNullable(VECTOR);
  }

  /** The Vector API kernel of {@code prf} if the module is present, else empty (for tests). */
  static Optional<Kernel> vectorKernel(PrfVersion prf) {
    return Optional.ofNullable(prf == PrfVersion.V2 ? VECTOR_V2 : VECTOR);
  }

  /** Candidate form: {@code logits[off + i]} belongs to token {@code candidates[coff + i]}. */
  static void greenBiasCandidates(
      PrfVersion prf,
      float[] logits,
      int off,
      int[] candidates,
      int coff,
      int n,
      long seed,
      long threshold,
      float delta) {
    final int deltaBits = Float.floatToRawIntBits(delta);
    if (prf == PrfVersion.V2) {
      for (int i = 0; i < n; i++) {
        int mask =
            (int)
                -WatermarkPrf.greenBit(WatermarkPrf.bitsV2(seed, candidates[coff + i]), threshold);
        logits[off + i] += Float.intBitsToFloat(deltaBits & mask);
      }
      return;
    }
    for (int i = 0; i < n; i++) {
      int mask =
          (int) -WatermarkPrf.greenBit(WatermarkPrf.bits(seed, candidates[coff + i]), threshold);
      logits[off + i] += Float.intBitsToFloat(deltaBits & mask);
    }
  }

  private static void checkRow(float[] logits, int off, int n) {
    if (off < 0 || n < 0 || off > logits.length - n) {
      throw new IndexOutOfBoundsException(
          "row [" + off + ", " + off + " + " + n + ") exceeds " + logits.length + " logits");
    }
  }

  private static Kernel select(String choice, Kernel scalar, Kernel vector) {
    if (choice.equals("scalar") || vector == null) {
      return scalar;
    }
    return choice.equals("vector") || vector.profitable() ? vector : scalar;
  }

  private static String reason(String choice) {
    if (choice.equals("scalar")) {
      return "-Dtelltale.bias.kernel=scalar";
    }
    if (VECTOR == null || VECTOR_V2 == null) {
      return "jdk.incubator.vector is not in this JVM; the vector kernels need --add-modules"
          + " jdk.incubator.vector";
    }
    if (choice.equals("vector")) {
      return "-Dtelltale.bias.kernel=vector";
    }
    return VECTOR.profitable()
        ? "Vector API"
        : "Vector API for v2; v1's 64-bit lanes lose to its scalar loop,"
            + " -Dtelltale.bias.kernel=vector forces them";
  }

  private static Kernel loadVector(String className) {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return null;
    }
    try {
      return (Kernel) Class.forName(className).getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      return null;
    }
  }

  private static final class Scalar implements Kernel {
    @Override
    public void greenBias(float[] logits, int off, int n, long seed, long threshold, float delta) {
      final int deltaBits = Float.floatToRawIntBits(delta);
      for (int v = 0; v < n; v++) {
        // all ones iff green: adds delta, or +0.0, without a branch
        int mask = (int) -WatermarkPrf.greenBit(WatermarkPrf.bits(seed, v), threshold);
        logits[off + v] += Float.intBitsToFloat(deltaBits & mask);
      }
    }

    @Override
    public String name() {
      return "scalar";
    }

    @Override
    public boolean profitable() {
      return true;
    }
  }

  /**
   * PRF v2: the green test reads {@code hi32} alone unless it equals the threshold's top 32 bits
   * (probability 2^-32), where {@code lo32} decides; see {@link WatermarkPrf}.
   */
  private static final class ScalarV2 implements Kernel {
    @Override
    public void greenBias(float[] logits, int off, int n, long seed, long threshold, float delta) {
      final int deltaBits = Float.floatToRawIntBits(delta);
      final long tHi = threshold >>> 21;
      for (int v = 0; v < n; v++) {
        long hi = WatermarkPrf.hi32(seed, v) & 0xffffffffL;
        int mask = (int) ((hi - tHi) >> 63);
        if (hi == tHi) {
          mask = (int) -WatermarkPrf.greenBit(WatermarkPrf.bitsV2(seed, v), threshold);
        }
        logits[off + v] += Float.intBitsToFloat(deltaBits & mask);
      }
    }

    @Override
    public String name() {
      return "scalar";
    }

    @Override
    public boolean profitable() {
      return true;
    }
  }
}
