package dev.telltale.prf;

import java.util.Optional;

/**
 * Scoring's Philox work for a block of tokens, each after its own context: {@link #absorbEach} then
 * {@link #tokenWordEach} (or both and the context digests at once, {@link #contextsAndWords}), the
 * same words as {@link Philox4x32#absorb} and {@link Philox4x32#tokenWord} token by token, and the
 * tokens' Gumbel scores ({@link #gumbelScores}), as two interleaved scalar chains or, with {@code
 * --add-modules jdk.incubator.vector}, in Vector API lanes ({@link VectorPhiloxKernel}, loaded only
 * when that module is present). Both paths give the same bits.
 *
 * <p>The Vector API path is some 2 times faster once compiled, but until the JIT has compiled it (a
 * few thousand blocks, some 0.2-1 s of CPU) it runs some 30 times slower than the scalar chains,
 * which a short run never earns back and which a service would feel as one slow request. So by
 * default ({@code -Dtelltale.philox.kernel=auto}) scoring runs the scalar chains until the JVM has
 * scored {@link PhiloxWarmup#AFTER_TOKENS} tokens; then a background daemon thread runs the vector
 * kernel on synthetic blocks until it is compiled and measured faster than the scalar chains, and
 * only then do the scoring threads switch to it (never, if it does not win). {@code
 * -Dtelltale.philox.kernel=scalar|vector} forces one path from the start. The choice is logged once
 * at INFO ({@code System.Logger} "dev.telltale.prf.PhiloxBatch"). Not thread-safe: one per scorer,
 * its scratch sized once.
 */
public final class PhiloxBatch {
  /** One path: the lanes of a block in, the states or words out. */
  interface Kernel {
    void absorbEach(
        long key,
        int[] tokens,
        int floor,
        int from,
        int to,
        int width,
        int[] s0,
        int[] s1,
        int[] s2,
        int[] s3);

    void tokenWordEach(
        long key,
        int[] tokens,
        int from,
        int to,
        int[] s0,
        int[] s1,
        int[] s2,
        int[] s3,
        int[] out);

    /**
     * {@link #absorbEach} then {@link #tokenWordEach} with the same key, and the {@link
     * VllmPrf#contextFingerprint} of each state into {@code contexts}; the states need not be left
     * in {@code s0 .. s3}.
     */
    default void contextsAndWords(
        long key,
        int[] tokens,
        int floor,
        int from,
        int to,
        int width,
        int[] s0,
        int[] s1,
        int[] s2,
        int[] s3,
        int[] out,
        long[] contexts) {
      absorbEach(key, tokens, floor, from, to, width, s0, s1, s2, s3);
      for (int j = 0; j < to - from; j++) {
        contexts[j] = VllmPrf.contextFingerprint(s0[j], s1[j], s2[j], s3[j]);
      }
      tokenWordEach(key, tokens, from, to, s0, s1, s2, s3, out);
    }

    /**
     * {@link VllmPrf#gumbelScoreOfMantissa} of the low 24 bits of {@code fps[0 .. n)} into {@code
     * out}.
     */
    void gumbelScores(long[] fps, int n, double[] out);
  }

  /** A vector kernel's factory, from the class loaded only when the module is present. */
  interface VectorKernels {
    Kernel create(int capacity);

    String name();
  }

  private static final Kernel SCALAR =
      new Kernel() {
        @Override
        public void absorbEach(
            long key,
            int[] tokens,
            int floor,
            int from,
            int to,
            int width,
            int[] s0,
            int[] s1,
            int[] s2,
            int[] s3) {
          Philox4x32.absorbEach(key, tokens, floor, from, to, width, s0, s1, s2, s3);
        }

        @Override
        public void tokenWordEach(
            long key,
            int[] tokens,
            int from,
            int to,
            int[] s0,
            int[] s1,
            int[] s2,
            int[] s3,
            int[] out) {
          Philox4x32.tokenWordEach(key, tokens, from, to, s0, s1, s2, s3, out);
        }

        @Override
        public void gumbelScores(long[] fps, int n, double[] out) {
          for (int j = 0; j < n; j++) {
            out[j] = VllmPrf.gumbelScoreOfMantissa((int) fps[j]);
          }
        }
      };

  private static final VectorKernels VECTOR = loadVector().orElse(null);
  private static final String CHOICE = System.getProperty("telltale.philox.kernel", "auto");
  private static final PhiloxWarmup WARMUP =
      VECTOR != null && !CHOICE.equals("scalar") && !CHOICE.equals("vector")
          ? new PhiloxWarmup(VECTOR, SCALAR)
          : null;

  static {
    System.getLogger(PhiloxBatch.class.getName())
        .log(System.Logger.Level.INFO, "vLLM scoring Philox: " + describe());
  }

  private final int capacity;
  // the fixed path (scalar, forced vector), or null: auto, asks WARMUP block by block
  private final Kernel kernel;
  // auto: the vector lanes, made when first used
  private Kernel lanes;
  private final int[] s0;
  private final int[] s1;
  private final int[] s2;
  private final int[] s3;
  private final int[] words;

  private PhiloxBatch(int capacity, Kernel kernel) {
    this.capacity = capacity;
    this.kernel = kernel;
    this.s0 = new int[capacity];
    this.s1 = new int[capacity];
    this.s2 = new int[capacity];
    this.s3 = new int[capacity];
    this.words = new int[capacity];
  }

  /** A batch of up to {@code capacity} tokens on this JVM's path. */
  public static PhiloxBatch of(int capacity) {
    if (WARMUP != null) {
      return new PhiloxBatch(capacity, null);
    }
    boolean vector = VECTOR != null && CHOICE.equals("vector");
    return new PhiloxBatch(capacity, vector ? VECTOR.create(capacity) : SCALAR);
  }

  /** The scalar path whatever the JVM has (the reference the vector path must equal). */
  public static PhiloxBatch scalar(int capacity) {
    return new PhiloxBatch(capacity, SCALAR);
  }

  /** The Vector API path, if the module is in this JVM, whether or not it is chosen. */
  public static Optional<PhiloxBatch> vector(int capacity) {
    return VECTOR == null
        ? Optional.empty()
        : Optional.of(new PhiloxBatch(capacity, VECTOR.create(capacity)));
  }

  /**
   * "vector (...)" or "scalar": the path {@link #of} takes in this JVM now (by default the scalar
   * chains until the vector kernel has been warmed up and won).
   */
  public static String path() {
    if (WARMUP != null) {
      return WARMUP.vectorReady() ? VECTOR.name() : "scalar";
    }
    return VECTOR != null && CHOICE.equals("vector") ? VECTOR.name() : "scalar";
  }

  /** What this JVM's scoring runs, and why (the line logged once at INFO). */
  static String describe() {
    if (VECTOR == null) {
      return "scalar chains (jdk.incubator.vector is not in this JVM; the vector kernel needs"
          + " --add-modules jdk.incubator.vector)";
    }
    if (CHOICE.equals("scalar")) {
      return "scalar chains (-Dtelltale.philox.kernel=scalar)";
    }
    if (CHOICE.equals("vector")) {
      return VECTOR.name() + " kernel from the start (-Dtelltale.philox.kernel=vector)";
    }
    return "scalar chains, then the "
        + VECTOR.name()
        + " kernel once the JVM has scored "
        + PhiloxWarmup.AFTER_TOKENS
        + " tokens and a background warm-up has compiled it and measured it faster"
        + " (-Dtelltale.philox.kernel=scalar|vector forces one path)";
  }

  // The path of a block of n tokens: the fixed one, or auto's current choice.
  private Kernel kernel(int n) {
    if (kernel != null) {
      return kernel;
    }
    if (!WARMUP.vectorReady()) {
      WARMUP.scored(n);
      return SCALAR;
    }
    Kernel k = lanes;
    if (k == null) {
      k = lanes = VECTOR.create(capacity);
    }
    return k;
  }

  /**
   * Absorbs the context of every token {@code tokens[from .. to)} ({@link Philox4x32#absorb} with
   * {@code end} the token's index); state {@code j} belongs to token {@code from + j}.
   */
  public void absorbEach(long key, int[] tokens, int floor, int from, int to, int width) {
    if (to - from > capacity || from > to) {
      throw new IndexOutOfBoundsException("block [" + from + ", " + to + ") exceeds " + capacity);
    }
    kernel(to - from).absorbEach(key, tokens, floor, from, to, width, s0, s1, s2, s3);
  }

  /**
   * The context digest ({@link VllmPrf#contextFingerprint} after {@link #absorbEach}) of every
   * token {@code tokens[from .. to)} into {@code contexts[0 .. to-from)}, and its word ({@link
   * #tokenWordEach} with the same {@code key}) for {@link #word}, which the vector path computes in
   * one pass; {@link #contextFingerprint} is undefined afterwards.
   */
  public void contextsAndWords(
      long key, int[] tokens, int floor, int from, int to, int width, long[] contexts) {
    if (to - from > capacity || from > to) {
      throw new IndexOutOfBoundsException("block [" + from + ", " + to + ") exceeds " + capacity);
    }
    kernel(to - from)
        .contextsAndWords(key, tokens, floor, from, to, width, s0, s1, s2, s3, words, contexts);
  }

  /** {@link VllmPrf#contextFingerprint} of state {@code j}. */
  public long contextFingerprint(int j) {
    return VllmPrf.contextFingerprint(s0[j], s1[j], s2[j], s3[j]);
  }

  /**
   * The raw word of every token {@code tokens[from .. to)} after its state ({@link
   * Philox4x32#tokenWord}), read back by {@link #word}; the states stay.
   */
  public void tokenWordEach(long key, int[] tokens, int from, int to) {
    if (to - from > capacity || from > to) {
      throw new IndexOutOfBoundsException("block [" + from + ", " + to + ") exceeds " + capacity);
    }
    // auto: the lanes once switched; a block absorbed on the scalar chains just before the switch
    // may take its words from the lanes, which give the same bits
    Kernel k = kernel != null ? kernel : WARMUP.vectorReady() && lanes != null ? lanes : SCALAR;
    k.tokenWordEach(key, tokens, from, to, s0, s1, s2, s3, words);
  }

  /**
   * {@link VllmPrf#gumbelScoreOfMantissa} of the low 24 bits of each of {@code fps[0 .. n)} into
   * {@code out[0 .. n)}, bit for bit on either path: a Gumbel score is a long chain of dependent
   * operations (a logarithm and three divisions), which lanes run side by side.
   */
  public void gumbelScores(long[] fps, int n, double[] out) {
    if (n > capacity || n < 0) {
      throw new IndexOutOfBoundsException(n + " scores exceed " + capacity);
    }
    Kernel k = kernel != null ? kernel : WARMUP.vectorReady() && lanes != null ? lanes : SCALAR;
    k.gumbelScores(fps, n, out);
  }

  /** Word {@code j} of the last {@link #tokenWordEach}. */
  public int word(int j) {
    return words[j];
  }

  private static Optional<VectorKernels> loadVector() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          (VectorKernels)
              Class.forName("dev.telltale.prf.VectorPhiloxKernel")
                  .getDeclaredConstructor()
                  .newInstance());
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      return Optional.empty();
    }
  }
}
