package dev.telltale.spark;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster on 127.0.0.1 for tests: a master and workers as separate JVM
 * processes, run from the Spark jars already on the test class path (gathered as a Spark
 * installation's {@code jars/} folder of links, no download), on a free port; and spark-scan's
 * packaged layout ({@code spark-scan.jar}, {@code lib/}, {@code jvm.options}) built from the same
 * class path, for submitting the scan as {@code spark-submit} or the CLI would. {@link #close}
 * kills every process it started (and their children, the executors) by pid.
 */
final class StandaloneCluster implements AutoCloseable {
  /** Jars that belong to the application, not to a Spark installation: shipped with the job. */
  static final List<String> APP_JARS =
      List.of("watermark-core", "jtokkit", "bcprov", "hipparchus", "jackson-dataformat-cbor");

  final Path dir;
  final Path sparkHome;
  final Path layout;
  final String masterUrl;
  final List<Process> workers = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  private final List<String> jvmOptions;
  private final List<ProcessHandle> orphans = new ArrayList<>();

  private final Thread onExit = new Thread(this::closeQuietly, "standalone-cluster-stop");

  private StandaloneCluster(Path dir, int workerCount) throws Exception {
    this.dir = dir;
    // Even if the test JVM ends without close (a killed build), the cluster goes with it.
    Runtime.getRuntime().addShutdownHook(onExit);
    this.jvmOptions =
        Arrays.asList(System.getProperty("spark.jvm.options", "").trim().split("\\s+"));
    this.sparkHome = dir.resolve("spark-home");
    this.layout = dir.resolve("layout");
    buildInstallationAndLayout();
    try {
      this.masterUrl = launch(workerCount);
    } catch (Exception | Error e) {
      closeQuietly();
      throw e;
    }
  }

  /** Starts the master and the workers; returns the master's URL. */
  private String launch(int workerCount) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String url = "spark://127.0.0.1:" + port;
    Process master =
        daemon(
            "master",
            List.of(
                "-Xmx256m",
                "org.apache.spark.deploy.master.Master",
                "--host",
                "127.0.0.1",
                "--port",
                Integer.toString(port),
                "--webui-port",
                "0"));
    waitFor(master, dir.resolve("master.log"), "I have been elected leader");
    // Workers start together (each is a JVM start-up), then each must have registered.
    for (int i = 0; i < workerCount; i++) {
      Path work = Files.createDirectories(dir.resolve("work-" + i));
      workers.add(
          daemon(
              "worker-" + i,
              List.of(
                  "-Xmx256m",
                  "org.apache.spark.deploy.worker.Worker",
                  "--host",
                  "127.0.0.1",
                  "--port",
                  "0",
                  "--webui-port",
                  "0",
                  "--cores",
                  "1",
                  "--memory",
                  "768m",
                  "--work-dir",
                  work.toString(),
                  url)));
    }
    for (int i = 0; i < workerCount; i++) {
      waitFor(
          workers.get(i),
          dir.resolve("worker-" + i + ".log"),
          "Successfully registered with master");
    }
    return url;
  }

  static StandaloneCluster start(Path dir, int workers) throws Exception {
    return new StandaloneCluster(dir, workers);
  }

  /** Environment of every process: a Spark home, loopback only. */
  Map<String, String> env() {
    return Map.of(
        "SPARK_HOME",
        sparkHome.toString(),
        "SPARK_LOCAL_IP",
        "127.0.0.1",
        "SPARK_SCALA_VERSION",
        "2.13",
        "SPARK_CONF_DIR",
        sparkHome.resolve("conf").toString());
  }

  List<String> java() {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    return cmd;
  }

  private Process daemon(String name, List<String> args) throws IOException {
    List<String> cmd = java();
    cmd.add("-cp");
    cmd.add(sparkHome.resolve("jars") + File.separator + "*");
    cmd.addAll(args);
    return start(cmd, dir.resolve(name + ".log"));
  }

  /** Starts a process of this cluster (closed with it), output to {@code log}. */
  Process start(List<String> cmd, Path log) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    pb.environment().putAll(env());
    Process p = pb.start();
    synchronized (processes) {
      processes.add(p);
    }
    return p;
  }

  private static void waitFor(Process p, Path log, String line) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log).contains(line)) {
        return;
      }
      if (!p.isAlive()) {
        throw new IllegalStateException("cluster process exited:\n" + Files.readString(log));
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(
        "no \"" + line + "\" in " + log + ":\n" + Files.readString(log));
  }

  /**
   * A Spark installation's {@code jars/} (links to the Spark jars of the test class path) and the
   * layout {@code mvn package} makes ({@code spark-scan.jar} of this module's classes, {@code lib/}
   * with every runtime jar, {@code jvm.options}).
   */
  private void buildInstallationAndLayout() throws IOException {
    Path jars = Files.createDirectories(sparkHome.resolve("jars"));
    Files.createDirectories(sparkHome.resolve("conf"));
    Path lib = Files.createDirectories(layout.resolve("lib"));
    String cp =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    for (String entry : cp.split(File.pathSeparator)) {
      Path p = Path.of(entry);
      String name = p.getFileName().toString();
      if (Files.isDirectory(p)) {
        if (Files.exists(p.resolve("dev/telltale/spark/SparkScanMain.class"))) {
          jar(p, layout.resolve("spark-scan.jar"));
        } else if (Files.exists(p.resolve("dev/telltale/forensics/scan/DocumentScorer.class"))) {
          jar(p, lib.resolve("watermark-core.jar"));
        }
        continue;
      }
      if (!name.endsWith(".jar") || name.endsWith("-tests.jar")) {
        continue;
      }
      if (!Files.exists(lib.resolve(name))) {
        Files.createSymbolicLink(lib.resolve(name), p.toAbsolutePath());
      }
      if (APP_JARS.stream().noneMatch(name::startsWith) && !Files.exists(jars.resolve(name))) {
        Files.createSymbolicLink(jars.resolve(name), p.toAbsolutePath());
      }
    }
    Files.writeString(layout.resolve("jvm.options"), String.join("\n", jvmOptions) + "\n");
    if (!Files.exists(layout.resolve("spark-scan.jar"))) {
      throw new IllegalStateException("spark-scan classes not found on " + cp);
    }
  }

  /** The layout's jars the application ships with {@code --jars}: core and its dependencies. */
  List<String> appJars() throws IOException {
    try (Stream<Path> s = Files.list(layout.resolve("lib"))) {
      return s.filter(p -> APP_JARS.stream().anyMatch(p.getFileName().toString()::startsWith))
          .map(Path::toString)
          .sorted()
          .toList();
    }
  }

  private static void jar(Path classes, Path out) throws IOException {
    try (OutputStream o = Files.newOutputStream(out);
        JarOutputStream j = new JarOutputStream(o)) {
      Files.walkFileTree(
          classes,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
              j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
              Files.copy(f, j);
              j.closeEntry();
              return FileVisitResult.CONTINUE;
            }
          });
    }
  }

  /**
   * Kills a worker process by its pid (SIGKILL, as a crash would); its executors notice they lost
   * their worker and exit by themselves (they are remembered, and killed on close if they did not).
   */
  void kill(Process worker) {
    synchronized (orphans) {
      worker.toHandle().descendants().forEach(orphans::add);
    }
    worker.destroyForcibly();
  }

  private void closeQuietly() {
    try {
      stopAll();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws Exception {
    try {
      Runtime.getRuntime().removeShutdownHook(onExit);
    } catch (IllegalStateException e) {
      // Already shutting down: the hook does the same.
    }
    stopAll();
  }

  private void stopAll() throws InterruptedException {
    List<Process> all;
    synchronized (processes) {
      all = new ArrayList<>(processes);
    }
    // Workers and drivers first, then the master; children (executors) with their parents.
    for (int i = all.size() - 1; i >= 0; i--) {
      Process p = all.get(i);
      p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    synchronized (orphans) {
      orphans.forEach(ProcessHandle::destroyForcibly);
    }
    for (Process p : all) {
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
