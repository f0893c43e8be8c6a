package dev.telltale.service;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Group commit of audit rows. A request hands its row to a bounded queue and gets a future; one
 * writer thread takes every row waiting (up to {@code maxBatch}), inserts them as one JDBC batch in
 * one transaction and completes their futures only after the commit. The durability contract: a
 * route answers only when its future completed, so every answered request's row is committed (as
 * durable as the database's commit: fsync'd in PostgreSQL, written to the file at once in H2 with
 * {@code WRITE_DELAY=0}); a failed commit fails all rows of its batch and their requests answer 500
 * without a result. A row whose request was never answered may or may not be stored. A full queue
 * refuses at once (503) instead of buffering without bound.
 */
final class AuditWriter implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(AuditWriter.class.getName());

  private record Pending(AuditLog.Entry entry, CompletableFuture<Void> done) {}

  private final DataSource db;
  private final int maxBatch;
  private final BlockingQueue<Pending> queue;
  private final Thread writer;
  private volatile boolean open = true;

  AuditWriter(DataSource db, int capacity, int maxBatch) {
    this.db = db;
    this.maxBatch = maxBatch;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.writer = new Thread(this::run, "telltale-audit-writer");
    writer.setDaemon(true);
    writer.start();
  }

  /** Queues {@code e}; the future completes when the row is committed, or fails. */
  CompletableFuture<Void> append(AuditLog.Entry e) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (!open) {
      done.completeExceptionally(new StorageException("the audit writer is closed", null));
    } else if (!queue.offer(new Pending(e, done))) {
      done.completeExceptionally(
          new ProblemException(
              503,
              "audit-backlog",
              "Service unavailable",
              "the audit log is behind; retry in a moment"));
    }
    return done;
  }

  private void run() {
    List<Pending> batch = new ArrayList<>(maxBatch);
    while (open || !queue.isEmpty()) {
      try {
        Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, maxBatch - 1);
        write(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        batch.clear();
      }
    }
  }

  private void write(List<Pending> batch) {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try {
        AuditLog.insertAll(c, batch.stream().map(Pending::entry).toList());
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException | RuntimeException e) {
      LOG.log(Level.WARNING, "cannot write " + batch.size() + " audit rows", e);
      StorageException failure = new StorageException("cannot write audit row", e);
      batch.forEach(p -> p.done.completeExceptionally(failure));
      return;
    }
    batch.forEach(p -> p.done.complete(null));
  }

  /** Refuses new rows, commits those queued, and stops the writer. */
  @Override
  public void close() {
    open = false;
    try {
      writer.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
