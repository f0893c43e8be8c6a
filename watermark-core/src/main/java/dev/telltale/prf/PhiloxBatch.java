package dev.telltale.prf;

import java.util.Optional;

/**
 * Scoring's Philox work for a block of tokens, each after its own context: {@link #absorbEach} then
 * {@link #tokenWordEach}, the same words as {@link Philox4x32#absorb} and {@link
 * Philox4x32#tokenWord} token by token. By default two interleaved scalar chains; with {@code
 * -Dtelltale.philox.kernel=vector} and {@code --add-modules jdk.incubator.vector}, Vector API lanes
 * ({@link VectorPhiloxKernel}, loaded only when that module is present). The vector path is opt-in:
 * it is faster once compiled (with 512-bit vectors), but until the JIT has compiled it, a second or
 * two of CPU, it runs some 30 times slower than the scalar one, which a short run (one detection)
 * never earns back. Not thread-safe: one per scorer, its scratch sized once.
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
      };

  private static final VectorKernels VECTOR = loadVector().orElse(null);
  private static final boolean USE_VECTOR = select();

  private final int capacity;
  private final Kernel kernel;
  private final int[] s0;
  private final int[] s1;
  private final int[] s2;
  private final int[] s3;
  private final int[] words;

  private PhiloxBatch(int capacity, boolean vector) {
    this.capacity = capacity;
    this.kernel = vector ? VECTOR.create(capacity) : SCALAR;
    this.s0 = new int[capacity];
    this.s1 = new int[capacity];
    this.s2 = new int[capacity];
    this.s3 = new int[capacity];
    this.words = new int[capacity];
  }

  /** A batch of up to {@code capacity} tokens on this JVM's path. */
  public static PhiloxBatch of(int capacity) {
    return new PhiloxBatch(capacity, USE_VECTOR);
  }

  /** The scalar path whatever the JVM has (the reference the vector path must equal). */
  public static PhiloxBatch scalar(int capacity) {
    return new PhiloxBatch(capacity, false);
  }

  /** The Vector API path, if the module is in this JVM, whether or not it is chosen. */
  public static Optional<PhiloxBatch> vector(int capacity) {
    return VECTOR == null ? Optional.empty() : Optional.of(new PhiloxBatch(capacity, true));
  }

  /** "vector (...)" or "scalar": the path {@link #of} takes in this JVM. */
  public static String path() {
    return USE_VECTOR ? VECTOR.name() : "scalar";
  }

  /**
   * Absorbs the context of every token {@code tokens[from .. to)} ({@link Philox4x32#absorb} with
   * {@code end} the token's index); state {@code j} belongs to token {@code from + j}.
   */
  public void absorbEach(long key, int[] tokens, int floor, int from, int to, int width) {
    if (to - from > capacity || from > to) {
      throw new IndexOutOfBoundsException("block [" + from + ", " + to + ") exceeds " + capacity);
    }
    kernel.absorbEach(key, tokens, floor, from, to, width, s0, s1, s2, s3);
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
    kernel.tokenWordEach(key, tokens, from, to, s0, s1, s2, s3, words);
  }

  /** Word {@code j} of the last {@link #tokenWordEach}. */
  public int word(int j) {
    return words[j];
  }

  private static boolean select() {
    return VECTOR != null
        && System.getProperty("telltale.philox.kernel", "scalar").equals("vector");
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
