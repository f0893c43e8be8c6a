package dev.telltale.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Line-aligned splits against {@link BufferedReader#readLine} over the whole file: for random
 * content with {@code \n}, {@code \r\n} and lone {@code \r} line ends (and lines longer than a
 * split), the segments' lines concatenated are the file's lines, and the line starts counted before
 * each segment are the number of lines before its first one.
 */
class InputSplitsTest {
  @TempDir Path dir;

  @Test
  void segmentsReadEveryLineOnceWithTheWholeFilesNumbering() {
    qt().withFixedSeed(20261206L)
        .withExamples(300)
        .forAll(integers().between(0, 1 << 30), integers().between(1, 9))
        .checkAssert(this::check);
  }

  private void check(int seed, int pieces) {
    try {
      SplittableRandom r = new SplittableRandom(seed);
      int n = r.nextInt(0, 400);
      byte[] b = new byte[n];
      for (int i = 0; i < n; i++) {
        int c = r.nextInt(10);
        b[i] = (byte) (c == 0 ? '\n' : c == 1 ? '\r' : 'a' + c);
      }
      Path f = dir.resolve("f-" + seed + ".jsonl");
      Files.write(f, b);
      List<String> whole = lines(Files.newInputStream(f));
      List<String> joined = new ArrayList<>();
      long before = 0;
      for (int p = 0; p < pieces; p++) {
        long start = (long) n * p / pieces;
        long end = (long) n * (p + 1) / pieces;
        assertEquals(joined.size(), before, "lines before piece " + p);
        joined.addAll(lines(InputSplits.segment(unit(f, start, end))));
        before += InputSplits.countLineStarts(f.toString(), start, end);
      }
      assertEquals(whole, joined);
      assertEquals(whole.size(), before);
      Files.delete(f);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static InputSplits.Unit unit(Path f, long start, long end) {
    return new InputSplits.Unit(0, f.toString(), true, start, end);
  }

  private static List<String> lines(java.io.InputStream in) throws IOException {
    List<String> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String l;
      while ((l = r.readLine()) != null) {
        out.add(l);
      }
    }
    return out;
  }
}
