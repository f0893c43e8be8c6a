package dev.telltale.benchmarks;

import dev.telltale.embed.WatermarkSession;
import dev.telltale.embed.Watermarker;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;

/**
 * Telltale Gumbel over 256 candidates timed by the thread's CPU time rather than the wall clock (on
 * a machine shared with many busy processes JMH's figures mostly measure waiting for a core): the
 * cases of {@link GumbelCostBenchmark} and {@link CandidateBenchmark} (same 64 candidate sets, same
 * seeds) for v2 and v1 keys. Prints ns of CPU per token and a checksum of the sampled tokens (equal
 * between versions of the sampler). Run: {@code java --add-modules jdk.incubator.vector -cp
 * benchmarks/target/benchmarks.jar dev.telltale.benchmarks.GumbelCpuTime [rounds]}.
 */
public final class GumbelCpuTime {
  private static final int K = 256;
  private static final int SETS = 64;
  private static final int SEQUENCE = 1000;

  private final int[][] ids = new int[SETS][];
  private final float[][] logits = new float[SETS][];

  private GumbelCpuTime() {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int s = 0; s < SETS; s++) {
      ids[s] = BenchData.distinctIds(rnd, K, BenchData.CL100K_VOCAB);
      logits[s] = BenchData.gaussianLogits(rnd, K, 3.0);
    }
  }

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    GumbelCpuTime t = new GumbelCpuTime();
    for (String prf : new String[] {"v2", "v1"}) {
      Watermarker w = Watermarker.of(BenchData.gumbelKey(prf));
      for (int round = 0; round < rounds; round++) {
        boolean report = round >= rounds / 2; // the first half warms up
        t.time(report, prf, "sample + accept, 1000-token sequences", 200, w, 0);
        t.time(report, prf, "sample + accept, fresh contexts", 200, w, 1);
        t.time(report, prf, "sample alone, fixed context", 200, w, 2);
        t.time(report, prf, "accept alone", 200, w, 3);
      }
    }
  }

  private void time(boolean report, String prf, String name, int reps, Watermarker w, int mode) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    long b0 = ((com.sun.management.ThreadMXBean) mx).getThreadAllocatedBytes(thread);
    SplittableRandom rng = new SplittableRandom(99);
    long checksum = 0;
    long t0 = mx.getCurrentThreadCpuTime();
    for (int s = 0; s < reps; s++) {
      WatermarkSession session = w.newSession(new int[] {s, s + 1}, 0, 2);
      for (int i = 0; i < SEQUENCE; i++) {
        int k = (s + i) & (SETS - 1);
        int token;
        switch (mode) {
          case 0 -> {
            token = session.sample(logits[k], ids[k], K, 1.0, rng);
            session.accept(token);
          }
          case 1 -> {
            token = session.sample(logits[k], ids[k], K, 1.0, rng);
            session.accept(s * SEQUENCE + i);
          }
          case 2 -> token = session.sample(logits[k], ids[k], K, 1.0, rng);
          default -> {
            token = ids[k][(s + i) & (K - 1)];
            session.accept(token);
          }
        }
        checksum = checksum * 31 + token;
      }
    }
    double ns = (mx.getCurrentThreadCpuTime() - t0) / ((double) reps * SEQUENCE);
    double bytes =
        (((com.sun.management.ThreadMXBean) mx).getThreadAllocatedBytes(thread) - b0)
            / ((double) reps * SEQUENCE);
    if (report) {
      System.out.printf(
          "%s %-40s %7.1f ns/token CPU %6.1f B/token  checksum %016x%n",
          prf, name, ns, bytes, checksum);
    }
  }
}
