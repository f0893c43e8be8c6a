package dev.telltale.benchmarks;

import dev.telltale.evidence.log.ConsistencyProof;
import dev.telltale.evidence.log.FileLogStore;
import dev.telltale.evidence.log.InclusionProof;
import dev.telltale.evidence.log.MerkleHash;
import dev.telltale.evidence.log.MerkleLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The transparency log on files ({@code FileLogStore}): appends with an fsync each and in batches
 * of 1,000 (one fsync per batch), and at 10^6 entries (built once per trial in a temporary folder)
 * the root, inclusion and consistency proof generation at random positions, and their verification.
 * Baseline: one SHA-256 leaf hash of the same 256-byte entry. Entries are 256 random bytes (an
 * envelope is ~2-3 KB; the tree work does not depend on the size).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MerkleLogBenchmark {
  static final int ENTRY_BYTES = 256;
  static final int MILLION = 1_000_000;
  static final int BATCH = 1_000;

  static byte[] entry(SplittableRandom r) {
    byte[] e = new byte[ENTRY_BYTES];
    r.nextBytes(e);
    return e;
  }

  static void delete(Path dir) throws IOException {
    try (Stream<Path> w = Files.walk(dir)) {
      for (Path p : w.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** A fresh, growing log for the append benchmarks. */
  @State(Scope.Thread)
  public static class Appending {
    Path dir;
    MerkleLog log;
    SplittableRandom random = new SplittableRandom(1);
    List<byte[]> batch = new ArrayList<>();

    @Setup(Level.Trial)
    public void open() throws IOException {
      dir = Files.createTempDirectory("telltale-log-append");
      log = MerkleLog.over(FileLogStore.open(dir));
      for (int i = 0; i < BATCH; i++) {
        batch.add(entry(random));
      }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
      log.close();
      delete(dir);
    }
  }

  /** A log of 10^6 entries, built once per trial. */
  @State(Scope.Benchmark)
  public static class Million {
    Path dir;
    MerkleLog log;
    byte[] root;
    SplittableRandom random = new SplittableRandom(2);
    InclusionProof inclusion;
    byte[] inclusionLeaf;
    ConsistencyProof consistency;
    byte[] consistencyFirstRoot;

    @Setup(Level.Trial)
    public void build() throws IOException {
      dir = Files.createTempDirectory("telltale-log-million");
      long t0 = System.nanoTime();
      try (MerkleLog l = MerkleLog.over(FileLogStore.open(dir))) {
        SplittableRandom r = new SplittableRandom(3);
        List<byte[]> chunk = new ArrayList<>();
        for (int i = 0; i < MILLION; i++) {
          chunk.add(entry(r));
          if (chunk.size() == 10_000) {
            l.appendAll(chunk);
            chunk.clear();
          }
        }
        l.appendAll(chunk);
      }
      long t1 = System.nanoTime();
      log = MerkleLog.over(FileLogStore.open(dir));
      long t2 = System.nanoTime();
      root = log.root();
      long at = 123_457;
      inclusion = log.inclusionProof(at, MILLION);
      inclusionLeaf = log.leafHash(at);
      consistency = log.consistencyProof(654_321, MILLION);
      consistencyFirstRoot = log.root(654_321);
      System.out.printf(
          "%nbuilt %,d entries in %.1f s (batches of 10,000), file %,d bytes; reopened (every"
              + " record checked) in %.1f s; inclusion proof %d hashes, consistency proof %d%n",
          log.size(),
          (t1 - t0) / 1e9,
          Files.size(dir.resolve(FileLogStore.ENTRIES)),
          (t2 - t1) / 1e9,
          inclusion.hashes().size(),
          consistency.hashes().size());
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
      log.close();
      delete(dir);
    }
  }

  @Benchmark
  public long appendWithFsync(Appending s) throws IOException {
    return s.log.append(s.batch.get(0));
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long appendBatchOf1000(Appending s) throws IOException {
    return s.log.appendAll(s.batch);
  }

  @Benchmark
  public byte[] leafHashBaseline(Appending s) {
    return MerkleHash.leaf(s.batch.get(0));
  }

  @Benchmark
  public byte[] rootAtMillion(Million m) throws IOException {
    return m.log.root(MILLION);
  }

  @Benchmark
  public InclusionProof inclusionProofAtMillion(Million m) throws IOException {
    return m.log.inclusionProof(m.random.nextLong(MILLION), MILLION);
  }

  @Benchmark
  public boolean inclusionVerifyAtMillion(Million m) {
    return m.inclusion.verify(m.inclusionLeaf, m.root);
  }

  @Benchmark
  public ConsistencyProof consistencyProofAtMillion(Million m) throws IOException {
    return m.log.consistencyProof(1 + m.random.nextLong(MILLION - 1), MILLION);
  }

  @Benchmark
  public boolean consistencyVerifyAtMillion(Million m) {
    return m.consistency.verify(m.consistencyFirstRoot, m.root);
  }
}
