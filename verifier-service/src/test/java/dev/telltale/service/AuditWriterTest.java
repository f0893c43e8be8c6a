package dev.telltale.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The audit group commit on a real H2 database: a row's future completes only once the row is
 * committed (so a request answered after it never loses its row), a failed commit fails every
 * future of its batch, and a full queue refuses at once with 503.
 */
class AuditWriterTest {
  private Database db;

  @BeforeEach
  void open() throws Exception {
    Path dir = Files.createTempDirectory("telltale-audit");
    db = Database.open(ServiceConfig.defaultsOnly().with(Map.of("data", dir.toString())));
  }

  @AfterEach
  void close() {
    db.close();
  }

  private static AuditLog.Entry row(int i) {
    return new AuditLog.Entry(
        0,
        Instant.now(),
        "token" + (i % 7),
        "/v1/detect",
        String.format("%064x", i),
        i,
        Optional.of("k1"),
        Optional.of("watermarked"),
        Optional.of(1e-9),
        Optional.of(-9.0));
  }

  @Test
  void everyCompletedRowIsCommittedAndVisible() throws Exception {
    AuditLog log = new AuditLog(db.dataSource());
    List<CompletableFuture<Void>> checked = new ArrayList<>();
    try (AuditWriter w = new AuditWriter(db.dataSource(), 10_000, 64)) {
      for (int i = 0; i < 2000; i++) {
        String digest = String.format("%064x", i);
        // Read from another connection the moment the future completes: the row must be there.
        checked.add(
            w.append(row(i))
                .thenRun(
                    () ->
                        assertTrue(
                            log.list(1000, Optional.empty()).stream()
                                .anyMatch(e -> e.inputSha256().equals(digest)),
                            digest)));
      }
      for (CompletableFuture<Void> f : checked) {
        f.get(60, TimeUnit.SECONDS);
      }
    }
    assertEquals(1000, log.list(1000, Optional.empty()).size());
    assertEquals(1000, log.list(1000, Optional.of(1001L)).size());
  }

  @Test
  void aBusyWriterGathersRowsIntoOneCommitAndALoneRowIsNotHeld() throws Exception {
    long linger = TimeUnit.MILLISECONDS.toNanos(1500);
    try (AuditWriter w =
        new AuditWriter(db.dataSource(), 100, 64, linger, TimeUnit.SECONDS.toNanos(30))) {
      // Nothing was committed before: the first row is written at once, not after the linger.
      long start = System.nanoTime();
      w.append(row(0)).get(30, TimeUnit.SECONDS);
      long lone = System.nanoTime() - start;
      assertTrue(lone < linger, "a lone row waited " + lone / 1_000_000 + " ms");
      // Right after a commit the writer is busy: rows arriving 100 ms apart share one commit
      // (one at a time, without the gathering, each would have its own).
      CompletableFuture<Void> a = w.append(row(1));
      Thread.sleep(100);
      CompletableFuture<Void> b = w.append(row(2));
      Thread.sleep(100);
      CompletableFuture<Void> c = w.append(row(3));
      CompletableFuture.allOf(a, b, c).get(30, TimeUnit.SECONDS);
      assertEquals(2.0, w.rowsPerBatch(), "rows 1-3 in one batch after row 0's");
    }
    assertEquals(4, new AuditLog(db.dataSource()).list(10, Optional.empty()).size());
  }

  @Test
  void aFailedCommitFailsItsRowsAndAFullQueueRefusesAtOnce() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    DataSource stalled = new Stalling(db.dataSource(), release);
    try (AuditWriter w = new AuditWriter(stalled, 4, 64)) {
      List<CompletableFuture<Void>> queued = new ArrayList<>();
      // The writer takes the first row and stalls in getConnection; 4 more fill the queue.
      queued.add(w.append(row(0)));
      Thread.sleep(200);
      for (int i = 1; i <= 4; i++) {
        queued.add(w.append(row(i)));
      }
      CompletableFuture<Void> refused = w.append(row(5));
      ExecutionException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              ExecutionException.class, () -> refused.get(1, TimeUnit.SECONDS));
      ProblemException p = assertInstanceOf(ProblemException.class, e.getCause());
      assertEquals(503, p.status());
      assertEquals("audit-backlog", p.type());
      db.close(); // the stalled commit will now fail
      release.countDown();
      for (CompletableFuture<Void> f : queued) {
        ExecutionException failed =
            org.junit.jupiter.api.Assertions.assertThrows(
                ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
        assertInstanceOf(StorageException.class, failed.getCause());
        assertFalse(f.isCancelled());
      }
    }
  }

  /** A real data source whose first connection waits until released. */
  private static final class Stalling implements DataSource {
    private final DataSource inner;
    private final CountDownLatch release;

    Stalling(DataSource inner, CountDownLatch release) {
      this.inner = inner;
      this.release = release;
    }

    @Override
    public Connection getConnection() throws SQLException {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return inner.getConnection();
    }

    @Override
    public Connection getConnection(String u, String p) throws SQLException {
      return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }
  }
}
