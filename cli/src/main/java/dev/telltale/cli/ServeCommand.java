package dev.telltale.cli;

import dev.telltale.service.ConfigException;
import dev.telltale.service.ServiceConfig;
import dev.telltale.service.StorageException;
import dev.telltale.service.VerifierService;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code telltale serve}: run the verifier service until interrupted. */
@Command(
    name = "serve",
    description = {
      "Run the verifier service (detection API, web page, metrics).",
      "With no configuration it keeps its data (database, a new key set) in telltale-data."
    })
final class ServeCommand implements Callable<Integer> {
  @Option(names = "--port", paramLabel = "P", description = "Port (default 8080; 0: any free).")
  Integer port;

  @Option(names = "--host", paramLabel = "ADDR", description = "Address (default 127.0.0.1).")
  String host;

  @Option(names = "--keys", paramLabel = "FILE", description = "Key set file.")
  Path keys;

  @Mixin ServiceOptions options;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Map<String, String> flags = new LinkedHashMap<>();
    if (port != null) {
      flags.put("port", port.toString());
    }
    if (host != null) {
      flags.put("host", host);
    }
    if (keys != null) {
      flags.put("keys", keys.toString());
    }
    ServiceConfig config = options.resolve(flags);
    Vertx vertx = Vertx.vertx();
    VerifierService service;
    try {
      service =
          VerifierService.start(vertx, config)
              .toCompletionStage()
              .toCompletableFuture()
              .get(120, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      vertx.close();
      if (e.getCause() instanceof ConfigException || e.getCause() instanceof StorageException) {
        throw new BadInputException(e.getCause().getMessage());
      }
      throw e;
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("telltale: serving on http://" + config.host() + ":" + service.port() + "/");
    out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              stop(service, vertx);
              stopped.countDown();
            });
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      stopped.await();
    } catch (InterruptedException e) {
      // Interrupted (tests, embedding): shut down as on SIGTERM.
      Runtime.getRuntime().removeShutdownHook(hook);
      stop(service, vertx);
      Thread.currentThread().interrupt();
    }
    return ExitCode.OK;
  }

  private static void stop(VerifierService service, Vertx vertx) {
    try {
      service.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      // Shutting down anyway; nothing useful to do with a failure here.
    }
  }
}
