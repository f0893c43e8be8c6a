package dev.telltale.prf;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The default path of {@link PhiloxBatch}: the scalar chains until the JVM has scored {@link
 * #AFTER_TOKENS} tokens, then a daemon thread ("telltale-philox-warmup", lowest priority) runs the
 * Vector API kernel on synthetic blocks, alternating windows of the vector and the scalar kernel,
 * until the vector kernel is compiled and beats the scalar one; only then does {@link #vectorReady}
 * turn true, and the scoring threads switch. The warm-up, not a scoring request, pays the slow
 * uncompiled blocks; a short run (one detection) never starts it. If the vector kernel has not won
 * within {@link #GIVE_UP_NANOS}, scoring stays on the scalar chains. Thread-safe.
 */
final class PhiloxWarmup {
  /** Tokens scored on the scalar chains, JVM-wide, before the warm-up starts. */
  static final long AFTER_TOKENS = 1L << 20;

  /** The warm-up's wall-clock budget (the machine may be loaded). */
  static final long GIVE_UP_NANOS = 60_000_000_000L;

  private static final int BLOCK = 64;
  private static final int WINDOW = 32; // blocks per timed window
  // The vector kernel wins when its best window is this much faster than the scalar's best.
  private static final double MARGIN = 0.9;
  // Windows of each kernel, at least, before deciding (the JIT must have had its chance).
  private static final int MIN_WINDOWS = 64;

  // a third kernel type for the warm-up's call sites (see run)
  private static final PhiloxBatch.Kernel IDLE =
      new PhiloxBatch.Kernel() {
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
            int[] s3) {}

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
            int[] out) {}

        @Override
        public void gumbelScores(long[] fps, int n, double[] out) {}
      };

  private final PhiloxBatch.VectorKernels vector;
  private final PhiloxBatch.Kernel scalar;
  private final AtomicLong scored = new AtomicLong();
  private volatile boolean started;
  private volatile boolean ready;

  PhiloxWarmup(PhiloxBatch.VectorKernels vector, PhiloxBatch.Kernel scalar) {
    this.vector = vector;
    this.scalar = scalar;
  }

  /** Whether the scoring threads run the vector kernel. */
  boolean vectorReady() {
    return ready;
  }

  /** Counts {@code n} tokens scored on the scalar chains; starts the warm-up past the threshold. */
  void scored(int n) {
    if (!started && scored.addAndGet(n) >= AFTER_TOKENS) {
      start();
    }
  }

  private synchronized void start() {
    if (started) {
      return;
    }
    started = true;
    Thread t = new Thread(this::run, "telltale-philox-warmup");
    t.setDaemon(true);
    t.setPriority(Thread.MIN_PRIORITY);
    t.start();
  }

  private void run() {
    PhiloxBatch.Kernel lanes = vector.create(BLOCK);
    // Synthetic text; the blocks vary the context width (1..8, short last blocks included), the
    // padded start and the block length, so that the compiled code covers the paths scoring takes.
    SplittableRandom rnd = new SplittableRandom(0x5eedL);
    int[] tokens = new int[4096];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = rnd.nextInt(200_000);
    }
    int[] s0 = new int[BLOCK];
    int[] s1 = new int[BLOCK];
    int[] s2 = new int[BLOCK];
    int[] s3 = new int[BLOCK];
    int[] words = new int[BLOCK];
    long[] fps = new long[BLOCK];
    long[] contexts = new long[BLOCK];
    double[] scores = new double[BLOCK];
    long bestVector = Long.MAX_VALUE;
    long bestScalar = Long.MAX_VALUE;
    long deadline = System.nanoTime() + GIVE_UP_NANOS;
    long sink = 0;
    int call = 0;
    for (int window = 0; System.nanoTime() < deadline; window++) {
      PhiloxBatch.Kernel k = (window & 1) == 0 ? lanes : scalar;
      long t0 = System.nanoTime();
      // b = -1: one block of IDLE, whose type makes the call sites below see three receivers.
      // Then the JIT calls the kernels there rather than inlining them into this loop, so what
      // it compiles and this thread times are the kernels' own methods, the code a scoring thread
      // calls when it switches (else they could still be uncompiled, and slow, at that moment).
      for (int b = -1; b < WINDOW; b++, call++) {
        PhiloxBatch.Kernel kb = b < 0 ? IDLE : k;
        int width = 1 + (call & 7);
        int from = (call * 97) & 2047;
        int floor = (call & 15) == 0 ? from - (call & 7) : 0;
        int to = from + ((call & 31) == 0 ? 1 + (call >>> 5) % BLOCK : BLOCK);
        long key = rnd.nextLong();
        kb.contextsAndWords(
            key, tokens, Math.max(0, floor), from, to, width, s0, s1, s2, s3, words, contexts);
        sink += words[0];
        kb.absorbEach(key, tokens, Math.max(0, floor), from, to, width, s0, s1, s2, s3);
        kb.tokenWordEach(key, tokens, from, to, s0, s1, s2, s3, words);
        for (int j = 0; j < to - from; j++) {
          fps[j] = words[j] >>> 8;
        }
        kb.gumbelScores(fps, to - from, scores);
        sink += words[0] + Double.doubleToRawLongBits(scores[0]);
      }
      long dt = System.nanoTime() - t0;
      if (k == lanes) {
        bestVector = Math.min(bestVector, dt);
      } else {
        bestScalar = Math.min(bestScalar, dt);
      }
      if (window >= 2 * MIN_WINDOWS && (window & 1) == 1 && bestVector < MARGIN * bestScalar) {
        ready = true;
        log("the " + vector.name() + " kernel", bestVector, bestScalar, sink);
        return;
      }
    }
    log("the scalar chains (the vector kernel did not win)", bestVector, bestScalar, sink);
  }

  private static void log(String outcome, long bestVector, long bestScalar, long sink) {
    System.getLogger(PhiloxBatch.class.getName())
        .log(
            System.Logger.Level.DEBUG,
            () ->
                String.format(
                    "vLLM scoring Philox warmed up: %s from now on (best window of %d blocks:"
                        + " vector %d ns, scalar %d ns; %x)",
                    outcome, WINDOW, bestVector, bestScalar, sink & 0xF));
  }
}
