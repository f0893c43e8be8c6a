package dev.telltale.benchmarks;

import dev.telltale.embed.WatermarkSession;
import dev.telltale.embed.Watermarker;
import dev.telltale.key.KeyId;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.VllmDedup;
import dev.telltale.scheme.VllmDualKeyGumbelParameters;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.OptionalInt;
import java.util.SplittableRandom;

/**
 * {@link VllmBenchmark}'s Gumbel embedding cases (1,000-token generations over 256 candidates, a
 * fresh session each) timed by the generating thread's CPU time rather than the wall clock: on a
 * machine shared with many busy processes, JMH's figures mostly measure waiting for a core, while
 * CPU time still compares two implementations. Prints ns of CPU per token for vLLM Gumbel and
 * dual-key Gumbel beside Telltale's Gumbel, the bytes the thread allocated per token inside {@code
 * sample} and {@code accept} (session creation excluded), and a checksum of every sampled token
 * (equal between versions when the tokens are). Run: {@code java --add-modules jdk.incubator.vector
 * -cp benchmarks/target/benchmarks.jar dev.telltale.benchmarks.VllmEmbedCpuTime [rounds]}.
 */
public final class VllmEmbedCpuTime {
  private static final int SEQUENCES = 40;

  private VllmEmbedCpuTime() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 16;
    SplittableRandom rnd = new SplittableRandom(7);
    int k = VllmBenchmark.K;
    int sets = VllmBenchmark.SETS;
    int[][] cands = new int[sets][];
    float[][] logits = new float[sets][];
    for (int s = 0; s < sets; s++) {
      cands[s] = BenchData.distinctIds(rnd, k, BenchData.CL100K_VOCAB);
      logits[s] = BenchData.gaussianLogits(rnd, k, 3.0);
    }
    // the dual-key key is built here (not VllmBenchmark's) so that this class also runs against
    // older benchmark jars, for before/after figures
    WatermarkKey dual =
        WatermarkKey.ofVllm(
            KeyId.of("bench-vllm-dual"),
            new VllmDualKeyGumbelParameters(
                4, VllmDedup.SINGLE_TURN, OptionalInt.of(8192), true, 0.5, 0.5),
            0x7e11_7a1e_0000_0044L,
            Instant.EPOCH);
    Watermarker[] ws = {
      Watermarker.of(VllmBenchmark.vllmGumbelKey()),
      Watermarker.of(dual),
      Watermarker.of(BenchData.gumbelKey())
    };
    String[] names = {"vLLM Gumbel", "vLLM dual-key", "Telltale Gumbel"};
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    for (int round = 0; round < rounds; round++) {
      StringBuilder line = new StringBuilder();
      for (int w = 0; w < ws.length; w++) {
        SplittableRandom rng = new SplittableRandom(99);
        long checksum = 0;
        long cpu = 0;
        long bytes = 0;
        for (int q = 0; q < SEQUENCES; q++) {
          WatermarkSession s = ws[w].newSession();
          long a0 = mx.getThreadAllocatedBytes(tid);
          long t0 = mx.getCurrentThreadCpuTime();
          for (int t = 0; t < VllmBenchmark.SEQUENCE; t++) {
            int set = t & (sets - 1);
            int token = s.sample(logits[set], cands[set], k, 1.0, rng);
            s.accept(token);
            checksum = checksum * 31 + token;
          }
          cpu += mx.getCurrentThreadCpuTime() - t0;
          bytes += mx.getThreadAllocatedBytes(tid) - a0;
        }
        double tokens = (double) SEQUENCES * VllmBenchmark.SEQUENCE;
        line.append(
            String.format(
                "%s %.0f ns/token CPU, %.3f B/token, checksum %016x; ",
                names[w], cpu / tokens, bytes / tokens, checksum));
      }
      if (round >= rounds / 2) { // after warm-up
        System.out.println(line);
      }
    }
  }
}
