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
 *
 * <p>Under load (the previous commit ended less than {@link #BUSY_NANOS} before a batch's first row
 * came) the writer gathers rows for up to {@code lingerNanos} after the first one before it
 * commits: a commit serializes and writes the changed pages (H2: a chunk of the file) whatever the
 * batch size, so with rows arriving one at a time it cost a commit per request; a row waits at most
 * that long more for its answer. A lone request (no commit just before) is written at once.
 */
final class AuditWriter implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(AuditWriter.class.getName());

  private record Pending(AuditLog.Entry entry, CompletableFuture<Void> done) {}

  /** A row that comes this soon after the previous commit finds the writer busy. */
  static final long BUSY_NANOS = 20_000_000L;

  /** How long a busy writer gathers rows after a batch's first one, by default. */
  static final long DEFAULT_LINGER_NANOS = 2_000_000L;

  private final DataSource db;
  private final int maxBatch;
  private final long lingerNanos;
  private final long busyNanos;
  private long lastCommit;
  private long batches;
  private long rows;
  private final BlockingQueue<Pending> queue;
  private final Thread writer;
  private volatile boolean open = true;

  AuditWriter(DataSource db, int capacity, int maxBatch) {
    this(db, capacity, maxBatch, DEFAULT_LINGER_NANOS, BUSY_NANOS);
  }

  /**
   * A writer that gathers rows for {@code lingerNanos} when a batch's first row comes within {@code
   * busyNanos} of the previous commit (0: never).
   */
  AuditWriter(DataSource db, int capacity, int maxBatch, long lingerNanos, long busyNanos) {
    this.db = db;
    this.maxBatch = maxBatch;
    this.lingerNanos = lingerNanos;
    this.busyNanos = busyNanos;
    this.lastCommit = System.nanoTime() - 2 * busyNanos;
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
        long arrived = System.nanoTime();
        batch.add(first);
        queue.drainTo(batch, maxBatch - 1);
        if (lingerNanos > 0 && arrived - lastCommit < busyNanos) {
          gather(batch, arrived + lingerNanos);
        }
        synchronized (this) {
          // Counted before the futures complete, so a caller that saw its row committed sees it.
          batches++;
          rows += batch.size();
        }
        write(batch);
        lastCommit = System.nanoTime();
        if (Thread.currentThread().isInterrupted()) {
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        batch.clear();
      }
    }
  }

  /** Adds rows as they come until the batch is full or {@code until} (nanoTime) has passed. */
  private void gather(List<Pending> batch, long until) {
    while (batch.size() < maxBatch && open) {
      long left = until - System.nanoTime();
      if (left <= 0) {
        return;
      }
      Pending next;
      try {
        next = queue.poll(left, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        // The rows taken are still written; the loop ends after this batch.
        Thread.currentThread().interrupt();
        return;
      }
      if (next == null) {
        return;
      }
      batch.add(next);
      queue.drainTo(batch, maxBatch - batch.size());
    }
  }

  /** Rows per transaction since start (0 before the first). */
  synchronized double rowsPerBatch() {
    return batches == 0 ? 0 : (double) rows / batches;
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
