package dev.telltale.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs {@code telltale scan --engine spark} as spark-submit does: a child JVM on the spark-scan
 * module's own class path (its jar beside {@code lib/}, with the JVM options Spark needs on Java 17
 * in {@code jvm.options}), so Spark, its Netty 4.1 and its Jackson never meet the CLI's class path.
 * The child writes the summary JSON to a file; its own output (Spark's warnings, errors) streams to
 * the CLI's stderr.
 */
final class SparkEngine {
  static final String ENV = "TELLTALE_SPARK_LIB";
  static final String MAIN = "dev.telltale.spark.SparkScanMain";
  private static final ObjectMapper JSON = new ObjectMapper();

  private SparkEngine() {}

  /** The child's exit code and, when it produced one, the summary. */
  record Outcome(int exitCode, Optional<JsonNode> summary) {}

  /**
   * The spark-scan layout: {@code explicit}, else {@value #ENV}, else {@code spark-scan/target}
   * beside the CLI's module in this checkout, else under the working folder.
   */
  static Path layout(Path explicit) {
    List<Path> candidates = new ArrayList<>();
    if (explicit != null) {
      candidates.add(explicit);
    } else {
      String env = System.getenv(ENV);
      if (env != null && !env.isBlank()) {
        candidates.add(Path.of(env));
      } else {
        codeHome().ifPresent(h -> candidates.add(h.resolve("spark-scan").resolve("target")));
        candidates.add(Path.of("spark-scan", "target"));
      }
    }
    for (Path c : candidates) {
      if (isLayout(c)) {
        return c.toAbsolutePath();
      }
    }
    throw new BadInputException(
        "--engine spark needs the spark-scan module built (spark-scan.jar, lib/ and jvm.options"
            + " in one folder), not found in "
            + candidates
            + ": run ./mvnw -B -q -pl spark-scan -am package -DskipTests, or pass --spark-lib DIR"
            + " or set "
            + ENV);
  }

  static boolean isLayout(Path dir) {
    return Files.isRegularFile(dir.resolve("spark-scan.jar"))
        && Files.isDirectory(dir.resolve("lib"))
        && Files.isRegularFile(dir.resolve("jvm.options"));
  }

  /** The checkout's root when the CLI runs from cli/target (its jar or its classes). */
  private static Optional<Path> codeHome() {
    try {
      Path code =
          Path.of(SparkEngine.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      // cli/target/telltale.jar or cli/target/classes -> the checkout root.
      Path target = code.getParent();
      if (target != null && target.getParent() != null && target.getParent().getParent() != null) {
        return Optional.of(target.getParent().getParent());
      }
    } catch (URISyntaxException | RuntimeException e) {
      // No usable code location: the other candidates remain.
    }
    return Optional.empty();
  }

  /** Runs the child JVM with {@code args} (summary written to a temporary file). */
  static Outcome run(Path layout, List<String> jvmOptions, List<String> args, PrintWriter err)
      throws IOException {
    Path summary = Files.createTempFile("telltale-spark-summary", ".json");
    try {
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.add("@" + layout.resolve("jvm.options"));
      cmd.addAll(jvmOptions);
      cmd.add("-cp");
      cmd.add(
          layout.resolve("spark-scan.jar")
              + java.io.File.pathSeparator
              + layout.resolve("lib")
              + java.io.File.separator
              + "*");
      cmd.add(MAIN);
      cmd.add("--summary");
      cmd.add(summary.toString());
      cmd.addAll(args);
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.redirectInput(ProcessBuilder.Redirect.PIPE);
      Process p = pb.start();
      p.getOutputStream().close();
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          err.println(line);
          err.flush();
        }
      }
      int code;
      try {
        code = p.waitFor();
      } catch (InterruptedException e) {
        p.destroy();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while the Spark scan ran", e);
      }
      Optional<JsonNode> json = Optional.empty();
      if (Files.size(summary) > 0) {
        try {
          json = Optional.of(JSON.readTree(summary.toFile()));
        } catch (IOException e) {
          throw new UncheckedIOException("unreadable summary from the Spark scan", e);
        }
      }
      return new Outcome(code, json);
    } finally {
      Files.deleteIfExists(summary);
    }
  }
}
