package dev.telltale.embed;

import dev.telltale.prf.WatermarkPrf;

/**
 * The full-vocabulary green-list bias kernel: adds {@code delta} to {@code logits[off + v]} for
 * every green token {@code v < n} and {@code +0.0f} to every other one (so the two paths agree bit
 * for bit, {@code -0.0f} included). With {@code --add-modules jdk.incubator.vector} the Vector API
 * kernel ({@link VectorBiasKernel}, loaded only when that module is present) is used, unless {@code
 * -Dtelltale.bias.scalar=true}; otherwise the scalar loop. Which one runs is logged once at INFO
 * ({@code System.Logger} "dev.telltale.embed.BiasKernels").
 */
public final class BiasKernels {
  /** Whatever path runs: the scalar loop or the Vector API one. */
  interface Kernel {
    void greenBias(float[] logits, int off, int n, long seed, long threshold, float delta);

    String name();

    /** Whether this kernel is expected to beat the scalar loop on this CPU. */
    boolean profitable();
  }

  private static final Kernel SCALAR = new Scalar();
  private static final Kernel VECTOR = loadVector().orElse(null);
  private static final Kernel KERNEL = select();

  private BiasKernels() {}

  /** Adds {@code delta} to the green tokens {@code v < n} at {@code logits[off + v]}. */
  public static void greenBias(
      float[] logits, int off, int n, long seed, long threshold, float delta) {
    if (off < 0 || n < 0 || off > logits.length - n) {
      throw new IndexOutOfBoundsException(
          "row [" + off + ", " + off + " + " + n + ") exceeds " + logits.length + " logits");
    }
    KERNEL.greenBias(logits, off, n, seed, threshold, delta);
  }

  /** The scalar loop whatever the module setting (the reference the vector kernel must equal). */
  public static void greenBiasScalar(
      float[] logits, int off, int n, long seed, long threshold, float delta) {
    if (off < 0 || n < 0 || off > logits.length - n) {
      throw new IndexOutOfBoundsException(
          "row [" + off + ", " + off + " + " + n + ") exceeds " + logits.length + " logits");
    }
    SCALAR.greenBias(logits, off, n, seed, threshold, delta);
  }

  /** Whether the Vector API kernel could be loaded (the module is in the boot layer). */
  public static boolean vectorAvailable() {
    return VECTOR != null;
  }

  /**
   * The Vector API kernel whatever {@code telltale.bias.kernel} says (for benchmarks); throws
   * {@link IllegalStateException} without the module.
   */
  public static void greenBiasVector(
      float[] logits, int off, int n, long seed, long threshold, float delta) {
    if (VECTOR == null) {
      throw new IllegalStateException("jdk.incubator.vector is not in this JVM (--add-modules)");
    }
    if (off < 0 || n < 0 || off > logits.length - n) {
      throw new IndexOutOfBoundsException(
          "row [" + off + ", " + off + " + " + n + ") exceeds " + logits.length + " logits");
    }
    VECTOR.greenBias(logits, off, n, seed, threshold, delta);
  }

  /** "vector (...)" or "scalar": the path {@link #greenBias} takes in this JVM. */
  public static String path() {
    return KERNEL.name();
  }

  /** The Vector API kernel if the module is present, else empty (for tests and benchmarks). */
  static java.util.Optional<Kernel> vectorKernel() {
    return java.util.Optional.ofNullable(VECTOR);
  }

  /** Candidate form: {@code logits[off + i]} belongs to token {@code candidates[coff + i]}. */
  static void greenBiasCandidates(
      float[] logits,
      int off,
      int[] candidates,
      int coff,
      int n,
      long seed,
      long threshold,
      float delta) {
    final int deltaBits = Float.floatToRawIntBits(delta);
    for (int i = 0; i < n; i++) {
      int mask =
          (int) -WatermarkPrf.greenBit(WatermarkPrf.bits(seed, candidates[coff + i]), threshold);
      logits[off + i] += Float.intBitsToFloat(deltaBits & mask);
    }
  }

  private static Kernel select() {
    System.Logger log = System.getLogger(BiasKernels.class.getName());
    String choice = System.getProperty("telltale.bias.kernel", "auto");
    if (choice.equals("scalar")) {
      log.log(System.Logger.Level.INFO, "green-list bias: scalar kernel (telltale.bias.kernel)");
      return SCALAR;
    }
    if (VECTOR != null && (choice.equals("vector") || VECTOR.profitable())) {
      log.log(System.Logger.Level.INFO, "green-list bias: " + VECTOR.name() + " kernel");
      return VECTOR;
    }
    if (VECTOR != null) {
      log.log(
          System.Logger.Level.INFO,
          "green-list bias: scalar kernel (the Vector API's 64-bit lane multiply needs 512-bit"
              + " vectors to pay off; -Dtelltale.bias.kernel=vector forces "
              + VECTOR.name()
              + ")");
      return SCALAR;
    }
    log.log(
        System.Logger.Level.INFO,
        "green-list bias: scalar kernel (jdk.incubator.vector is not in this JVM; the vector"
            + " kernel needs --add-modules jdk.incubator.vector)");
    return SCALAR;
  }

  private static java.util.Optional<Kernel> loadVector() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of(
          (Kernel)
              Class.forName("dev.telltale.embed.VectorBiasKernel")
                  .getDeclaredConstructor()
                  .newInstance());
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      return java.util.Optional.empty();
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
}
