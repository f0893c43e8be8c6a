package dev.telltale.benchmarks;

import dev.telltale.detect.ExactTape;
import dev.telltale.detect.ScoreAccumulator;
import dev.telltale.detect.TupleScorer;
import dev.telltale.prf.PhiloxBatch;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * {@link VllmBenchmark}'s scoring cases timed by the scoring thread's CPU time rather than the wall
 * clock: on a machine shared with many busy processes, JMH's wall-clock figures mostly measure
 * waiting for a core, while CPU time still compares two implementations. Prints ns of CPU per
 * token, vLLM Gumbel beside Telltale's Gumbel (PRF v1 and v2 keys), the Philox path vLLM scoring
 * took, and the scores' sums (equal between versions). Run: {@code java --add-modules
 * jdk.incubator.vector -cp benchmarks/target/benchmarks.jar
 * dev.telltale.benchmarks.VllmScoringCpuTime}.
 */
public final class VllmScoringCpuTime {
  private VllmScoringCpuTime() {}

  public static void main(String[] args) {
    int[] ids = BenchData.zipfIds(VllmBenchmark.N, BenchData.CL100K_VOCAB, 11);
    TupleScorer vllm = TupleScorer.of(VllmBenchmark.vllmGumbelKey());
    TupleScorer telltale = TupleScorer.of(BenchData.gumbelKey());
    TupleScorer telltaleV2 = TupleScorer.of(BenchData.gumbelKey("v2"));
    TupleScorer[] scorers = {vllm, telltale, telltaleV2};
    run("1 M ids in one pass", ids, VllmBenchmark.N, 2, scorers);
    run("10k-token text", ids, VllmBenchmark.TEXT, 200, scorers);
  }

  private static void run(String name, int[] ids, int n, int reps, TupleScorer[] scorers) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    ScoreAccumulator acc = new ScoreAccumulator();
    ExactTape tape = new ExactTape(n);
    for (int round = 0; round < 12; round++) {
      double[] ns = new double[scorers.length];
      double[] sums = new double[scorers.length];
      String path = PhiloxBatch.path();
      for (int s = 0; s < scorers.length; s++) {
        long t0 = mx.getCurrentThreadCpuTime();
        for (int r = 0; r < reps; r++) {
          tape.clear();
          acc.reset();
          scorers[s].score(ids, 0, n, tape, acc, null);
        }
        ns[s] = (mx.getCurrentThreadCpuTime() - t0) / ((double) n * reps);
        sums[s] = acc.sum();
      }
      if (round >= 6) { // after warm-up
        System.out.printf(
            "%s: vLLM Gumbel %.1f ns/token [%s], Telltale Gumbel v1 %.1f, v2 %.1f ns/token (CPU"
                + " time); sums %s %s %s%n",
            name, ns[0], path, ns[1], ns[2], sums[0], sums[1], sums[2]);
      }
    }
  }
}
