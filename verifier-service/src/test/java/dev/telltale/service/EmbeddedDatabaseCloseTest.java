package dev.telltale.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stopped service releases its embedded database: the URL keeps H2 open while connections churn
 * ({@code DB_CLOSE_DELAY=-1}), so closing the pool alone left the database open, with a lock file
 * that H2's watchdog re-creates once a second, until the JVM exited. A data folder deleted after a
 * stop (tests, an embedding application) then raced that watchdog.
 */
class EmbeddedDatabaseCloseTest {
  @TempDir Path dir;

  @Test
  void closingTheServiceClosesTheDatabaseFiles() throws Exception {
    Path data = dir.resolve("data");
    ServiceConfig config =
        ServiceConfig.defaultsOnly().with(Map.of("data", data.toString(), "port", "0"));
    Vertx vertx = Vertx.vertx();
    try {
      VerifierService service =
          VerifierService.start(vertx, config).toCompletionStage().toCompletableFuture().get();
      assertEquals(List.of("telltale.lock.db"), lockFiles(data), "a running service holds a lock");
      service.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
    assertEquals(List.of(), lockFiles(data), "the database is still open after close");
    // Nothing writes into the folder any more: delete it, and it stays deleted.
    try (Stream<Path> files = Files.walk(data)) {
      files.sorted((a, b) -> b.compareTo(a)).forEach(EmbeddedDatabaseCloseTest::delete);
    }
    Thread.sleep(2_500);
    assertFalse(Files.exists(data), "something re-created the data folder's files after close");
  }

  @Test
  void closingOnePoolKeepsAnotherUsersDatabaseOpenAndTheLastClosesIt() throws Exception {
    Path data = dir.resolve("data");
    ServiceConfig config = ServiceConfig.defaultsOnly().with(Map.of("data", data.toString()));
    Database service = Database.open(config);
    Database cli = Database.open(config);
    cli.close();
    assertEquals(List.of("telltale.lock.db"), lockFiles(data));
    try (var c = service.dataSource().getConnection();
        var s = c.createStatement();
        var r = s.executeQuery("SELECT 1")) {
      org.junit.jupiter.api.Assertions.assertTrue(r.next(), "the other pool still answers");
    }
    service.close();
    assertEquals(List.of(), lockFiles(data), "the last user's close leaves the database open");
  }

  private static List<String> lockFiles(Path data) throws Exception {
    try (Stream<Path> files = Files.list(data)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".lock.db"))
          .toList();
    }
  }

  private static void delete(Path p) {
    try {
      Files.delete(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
