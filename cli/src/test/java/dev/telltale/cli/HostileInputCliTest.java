package dev.telltale.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Inputs that end nowhere ({@code /dev/zero}), sparse files of gigabytes, a file where a folder
 * belongs, and failures that are Errors: each is a clear one-line error with exit 2 (bad input) or
 * 3 (internal), never exit 1 (which scripts read as "not detected"), never a stack trace without
 * {@code --verbose}, never a hang.
 */
class HostileInputCliTest {
  private static final Duration LIMIT = Duration.ofSeconds(30);
  private static final String ZERO = "/dev/zero";

  @TempDir static Path dir;
  static Path keys;
  static Path pub;
  static Path sparse;

  @BeforeAll
  static void keys() throws Exception {
    keys = dir.resolve("keys.json");
    assertEquals(ExitCode.OK, CliRun.run("keys", "create", "--out", keys.toString()).exitCode());
    pub = dir.resolve("keys.public.json");
    CliRun q = CliRun.run("keys", "public", "--keys", keys.toString());
    Files.writeString(pub, q.out());
    // 3 GB that take no disk: a file's reported size is large, its bytes are all zero.
    sparse = dir.resolve("big.jsonl");
    try (RandomAccessFile f = new RandomAccessFile(sparse.toFile(), "rw")) {
      f.setLength(3L << 30);
    }
  }

  private static CliRun bounded(String... args) {
    return assertTimeoutPreemptively(LIMIT, () -> CliRun.run(args));
  }

  private static void badInput(CliRun r) {
    assertEquals(ExitCode.BAD_INPUT, r.exitCode(), r.err() + r.out());
    assertTrue(r.err().startsWith("telltale: "), r.err());
    assertFalse(r.err().contains("\tat "), "a stack trace without --verbose: " + r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }

  @Test
  void deviceInputsAreRefusedAfterABoundedRead() {
    assumeTrue(Files.isReadable(Path.of(ZERO)));
    String k = keys.toString();
    badInput(bounded("detect", "--keys", k, ZERO));
    badInput(bounded("attribute", "--keys", k, ZERO));
    badInput(bounded("verify", "--public", pub.toString(), "--token-file", ZERO, ZERO));
    badInput(bounded("verify", "--public", ZERO, "--token", "AAAA", ZERO));
    badInput(bounded("report", ZERO));
    badInput(bounded("report", "--public", ZERO, pub.toString()));
    badInput(bounded("evidence", "verify", ZERO, "--public", pub.toString()));
    badInput(bounded("evidence", "verify", pub.toString(), "--public", ZERO));
    badInput(bounded("carrier", "extract", ZERO));
    badInput(bounded("carrier", "embed", "--token-file", ZERO, ZERO));
  }

  @Test
  void aDeviceAsEvidenceSubjectIsRefusedNotDigestedForever() throws Exception {
    assumeTrue(Files.isReadable(Path.of(ZERO)));
    Path text = dir.resolve("t.txt");
    Files.writeString(text, "a few words of text to sign as a finding, nothing more");
    Path ev = dir.resolve("t.dsse.json");
    CliRun made =
        CliRun.run(
            "detect", "--keys", keys.toString(), "--evidence", ev.toString(), text.toString());
    assertTrue(made.exitCode() <= ExitCode.NOT_DETECTED, made.err());
    badInput(
        bounded(
            "evidence", "verify", ev.toString(), "--public", pub.toString(), "--subject", ZERO));
  }

  @Test
  void gigabyteFilesAreRefusedWithoutReadingThemWhole() {
    badInput(bounded("report", sparse.toString()));
    badInput(bounded("detect", "--keys", keys.toString(), sparse.toString()));
    // JSONL without a newline: the line reader stops at the first NUL (a binary file).
    badInput(bounded("scan", "--keys", keys.toString(), "--json", sparse.toString()));
  }

  @Test
  void workThatIsAFileIsBadInput() throws Exception {
    Path corpus = dir.resolve("c.txt");
    Files.writeString(corpus, "some text of a corpus");
    Path file = dir.resolve("work-is-a-file");
    Files.writeString(file, "x");
    badInput(
        bounded(
            "scan",
            "--keys",
            keys.toString(),
            "--work",
            file.toString(),
            "--json",
            corpus.toString()));
  }

  @Command(name = "boom")
  static final class Boom implements Callable<Integer> {
    @Override
    public Integer call() {
      throw new OutOfMemoryError("Java heap space");
    }
  }

  @Test
  void anErrorIsAnInternalFailureNotNotDetected() {
    for (boolean verbose : new boolean[] {false, true}) {
      CommandLine cl = Telltale.newCommandLine();
      cl.addSubcommand("boom", new Boom());
      StringWriter err = new StringWriter();
      cl.setErr(new PrintWriter(err, true));
      cl.setOut(new PrintWriter(new StringWriter(), true));
      int code = verbose ? cl.execute("--verbose", "boom") : cl.execute("boom");
      assertEquals(ExitCode.INTERNAL, code, err.toString());
      assertTrue(err.toString().startsWith("telltale: internal error: "), err.toString());
      assertTrue(err.toString().contains("OutOfMemoryError"), err.toString());
      assertEquals(verbose, err.toString().contains("\tat "), err.toString());
    }
  }
}
