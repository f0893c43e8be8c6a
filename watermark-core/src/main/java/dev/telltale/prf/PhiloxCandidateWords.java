package dev.telltale.prf;

import java.util.Optional;

/**
 * The raw PRF words of a decoding step's candidates, all after the one context absorbed into {@code
 * state}: {@code out[k]} is {@link Philox4x32#tokenWord}{@code (key, state, tokens[k])}. With
 * {@code --add-modules jdk.incubator.vector} the blocks run in Vector API lanes ({@link
 * VectorPhiloxKernel.CandidateWords}, loaded only when that module is present) where the CPU has
 * four or more 64-bit lanes, unless {@code -Dtelltale.philox.candidates=scalar}; otherwise as two
 * interleaved scalar chains ({@link Philox4x32#tokenWords}). Both give the same words, bit for bit.
 * Which path runs is logged once at INFO ({@code System.Logger}
 * "dev.telltale.prf.PhiloxCandidateWords"). Not thread-safe: one per session, its scratch grown (by
 * doubling) to the largest candidate count seen and then reused, so a step allocates nothing.
 */
public final class PhiloxCandidateWords {
  /** One path: a step's token ids in, their words out. */
  interface Kernel {
    void words(long key, int[] state, int[] tokens, int from, int to, int[] out);
  }

  /** A vector kernel's factory, from the class loaded only when the module is present. */
  interface VectorKernels {
    Kernel create();

    String name();

    /** Whether the lanes are expected to beat the scalar chains on this CPU. */
    boolean profitable();
  }

  private static final Kernel SCALAR =
      (key, state, tokens, from, to, out) -> {
        if (from == 0) {
          Philox4x32.tokenWords(key, state, tokens, to, null, out);
        } else {
          for (int k = from; k < to; k++) {
            out[k] = Philox4x32.tokenWord(key, state, tokens[k]);
          }
        }
      };

  private static final VectorKernels VECTOR = loadVector();
  private static final boolean USE_VECTOR;

  static {
    String choice = System.getProperty("telltale.philox.candidates", "auto");
    USE_VECTOR =
        VECTOR != null
            && !choice.equals("scalar")
            && (choice.equals("vector") || VECTOR.profitable());
    System.getLogger(PhiloxCandidateWords.class.getName())
        .log(
            System.Logger.Level.INFO,
            "vLLM candidate words: " + path() + " kernel (" + reason(choice) + ")");
  }

  private final Kernel kernel;

  private PhiloxCandidateWords(Kernel kernel) {
    this.kernel = kernel;
  }

  /** The path this JVM takes (see the class comment). */
  public static PhiloxCandidateWords of() {
    return USE_VECTOR ? new PhiloxCandidateWords(VECTOR.create()) : scalar();
  }

  /** The scalar chains whatever the JVM has (the reference the vector path must equal). */
  public static PhiloxCandidateWords scalar() {
    return new PhiloxCandidateWords(SCALAR);
  }

  /** The Vector API path, if the module is in this JVM, whether or not it is chosen. */
  public static Optional<PhiloxCandidateWords> vector() {
    return VECTOR == null
        ? Optional.empty()
        : Optional.of(new PhiloxCandidateWords(VECTOR.create()));
  }

  /** "vector (...)" or "scalar": the path {@link #of} takes in this JVM. */
  public static String path() {
    return USE_VECTOR ? VECTOR.name() : "scalar";
  }

  /**
   * {@code out[k] = }{@link Philox4x32#tokenWord}{@code (key, state, tokens[k])} for every {@code k
   * < m}.
   */
  public void words(long key, int[] state, int[] tokens, int m, int[] out) {
    words(key, state, tokens, 0, m, out);
  }

  /**
   * {@code out[k] = }{@link Philox4x32#tokenWord}{@code (key, state, tokens[k])} for every {@code
   * from <= k < to}.
   */
  public void words(long key, int[] state, int[] tokens, int from, int to, int[] out) {
    if (from < 0 || from > to || to > tokens.length || to > out.length) {
      throw new IndexOutOfBoundsException(
          "words [" + from + ", " + to + ") from " + tokens.length + " tokens into " + out.length);
    }
    kernel.words(key, state, tokens, from, to, out);
  }

  /** Whether this instance runs in Vector API lanes. */
  public boolean isVector() {
    return kernel != SCALAR;
  }

  private static String reason(String choice) {
    if (VECTOR == null) {
      return "jdk.incubator.vector is not in this JVM; the vector kernel needs --add-modules"
          + " jdk.incubator.vector";
    }
    if (choice.equals("scalar")) {
      return "-Dtelltale.philox.candidates=scalar";
    }
    if (choice.equals("vector")) {
      return "-Dtelltale.philox.candidates=vector";
    }
    return VECTOR.profitable()
        ? "Vector API"
        : "fewer than four 64-bit lanes lose to the scalar chains;"
            + " -Dtelltale.philox.candidates=vector forces them";
  }

  private static VectorKernels loadVector() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return null;
    }
    try {
      return (VectorKernels)
          Class.forName("dev.telltale.prf.VectorPhiloxKernel$CandidateWords")
              .getDeclaredConstructor()
              .newInstance();
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      return null;
    }
  }
}
