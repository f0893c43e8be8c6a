package dev.telltale.service;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * Durable jobs with leases. A worker claims a runnable job with one conditional UPDATE (queued, or
 * running with an expired lease), so two instances sharing a database never hold the same job at
 * once; it renews the lease while it works and writes progress and checkpoint under the lease.
 * {@link ScanJobs} runs corpus scans on it.
 */
public final class JobStore {
  /** Job states, as stored. */
  public static final List<String> STATES =
      List.of("queued", "running", "succeeded", "failed", "cancelled");

  /** Serializes {@link #createWithinLimit} on the (single-process) embedded H2 database. */
  private static final ReentrantLock H2_CREATE = new ReentrantLock();

  private final DataSource db;

  public JobStore(DataSource db) {
    this.db = db;
  }

  /** A job row's public facts. */
  public record Job(
      String id,
      String kind,
      String state,
      String ownerTokenId,
      Optional<String> leaseOwner,
      int attempts,
      long progressDone,
      Optional<String> checkpoint) {}

  public String create(String kind, String ownerTokenId, String inputRef, String params) {
    String id = UUID.randomUUID().toString();
    create(id, kind, ownerTokenId, inputRef, null, params);
    return id;
  }

  /**
   * Takes the lease of job {@code id} for {@code worker} if the job is queued, or running under an
   * expired lease (its worker died). True when this worker now holds it.
   */
  public boolean claim(String id, String worker, Duration lease) {
    OffsetDateTime now = now();
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE jobs SET state = 'running', lease_owner = ?, lease_expires_at = ?,"
                    + " attempts = attempts + 1, updated_at = ? WHERE id = ? AND (state ="
                    + " 'queued' OR (state = 'running' AND lease_expires_at < ?))")) {
      ps.setString(1, worker);
      ps.setObject(2, now.plus(lease));
      ps.setObject(3, now);
      ps.setString(4, id);
      ps.setObject(5, now);
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new StorageException("cannot claim job", e);
    }
  }

  /**
   * Records progress and a checkpoint and renews the lease, only while {@code worker} still holds
   * it. False means the lease was lost and the worker must stop.
   */
  public boolean checkpoint(
      String id, String worker, Duration lease, long progressDone, String checkpoint) {
    OffsetDateTime now = now();
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE jobs SET progress_done = ?, checkpoint = ?, lease_expires_at = ?,"
                    + " updated_at = ? WHERE id = ? AND state = 'running' AND lease_owner = ?")) {
      ps.setLong(1, progressDone);
      ps.setString(2, checkpoint);
      ps.setObject(3, now.plus(lease));
      ps.setObject(4, now);
      ps.setString(5, id);
      ps.setString(6, worker);
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new StorageException("cannot checkpoint job", e);
    }
  }

  public Optional<Job> find(String id) {
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT id, kind, state, owner_token_id, lease_owner, attempts, progress_done,"
                    + " checkpoint FROM jobs WHERE id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new Job(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                Optional.ofNullable(rs.getString(5)),
                rs.getInt(6),
                rs.getLong(7),
                Optional.ofNullable(rs.getString(8))));
      }
    } catch (SQLException e) {
      throw new StorageException("cannot read job", e);
    }
  }

  /** Number of jobs in each state (every state present, zero when none). */
  public Map<String, Long> countByState() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String s : STATES) {
      out.put(s, 0L);
    }
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT state, COUNT(*) FROM jobs GROUP BY state");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getLong(2));
      }
      return out;
    } catch (SQLException e) {
      throw new StorageException("cannot count jobs", e);
    }
  }

  /** A scan job's row as the scan routes and the runner need it. */
  public record ScanRow(
      String id,
      String state,
      String ownerTokenId,
      String inputRef,
      Optional<String> inputSha256,
      String params,
      long documentsDone,
      long bytesDone,
      Optional<String> checkpoint,
      Optional<String> result,
      Optional<String> error,
      boolean cancelRequested,
      Optional<String> evidenceId) {}

  public Optional<ScanRow> scan(String id) {
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT id, state, owner_token_id, input_ref, input_sha256, params, progress_done,"
                    + " progress_bytes, checkpoint, result, error, cancel_requested, (SELECT f.id FROM"
                    + " findings f WHERE f.job_id = jobs.id) FROM jobs WHERE id = ? AND kind ="
                    + " 'scan'")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new ScanRow(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                Optional.ofNullable(rs.getString(5)),
                rs.getString(6),
                rs.getLong(7),
                rs.getLong(8),
                Optional.ofNullable(rs.getString(9)),
                Optional.ofNullable(rs.getString(10)),
                Optional.ofNullable(rs.getString(11)),
                rs.getBoolean(12),
                Optional.ofNullable(rs.getString(13))));
      }
    } catch (SQLException e) {
      throw new StorageException("cannot read job", e);
    }
  }

  /** Creates a queued job with a known id and input digest ({@code sha256} may be null). */
  public void create(
      String id, String kind, String ownerTokenId, String inputRef, String sha256, String params) {
    try (Connection c = db.getConnection()) {
      insert(c, id, kind, ownerTokenId, inputRef, sha256, params);
    } catch (SQLException e) {
      throw new StorageException("cannot create job", e);
    }
  }

  private static void insert(
      Connection c,
      String id,
      String kind,
      String ownerTokenId,
      String inputRef,
      String sha256,
      String params)
      throws SQLException {
    OffsetDateTime now = now();
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO jobs (id, kind, state, owner_token_id, created_at, updated_at,"
                + " input_ref, input_sha256, params) VALUES (?, ?, 'queued', ?, ?, ?, ?, ?,"
                + " ?)")) {
      ps.setString(1, id);
      ps.setString(2, kind);
      ps.setString(3, ownerTokenId);
      ps.setObject(4, now);
      ps.setObject(5, now);
      ps.setString(6, inputRef);
      ps.setString(7, sha256);
      ps.setString(8, params);
      ps.executeUpdate();
    }
  }

  /**
   * Creates a queued job unless its owner already has {@code limit} queued or running jobs; false
   * then. Atomic across requests and instances: the count and the insert run in one transaction
   * that first locks the owner's token row ({@code SELECT ... FOR UPDATE}, in H2 and PostgreSQL),
   * so concurrent creates of one token queue up behind each other and each counts the jobs the
   * previous ones committed.
   */
  public boolean createWithinLimit(
      String id,
      String kind,
      String ownerTokenId,
      String inputRef,
      String sha256,
      String params,
      int limit) {
    try (Connection c = db.getConnection()) {
      // The embedded H2 database admits one process, so a process-wide lock serializes the count
      // and the insert completely; H2's row lock of a SELECT … FOR UPDATE alone once let 3 of 12
      // concurrent creates through a limit of 2. PostgreSQL relies on its row lock (several
      // instances share it).
      boolean h2 = "H2".equals(c.getMetaData().getDatabaseProductName());
      if (h2) {
        H2_CREATE.lock();
      }
      try {
        return createWithinLimit(c, id, kind, ownerTokenId, inputRef, sha256, params, limit);
      } finally {
        if (h2) {
          H2_CREATE.unlock();
        }
      }
    } catch (SQLException e) {
      throw new StorageException("cannot create job", e);
    }
  }

  private boolean createWithinLimit(
      Connection c,
      String id,
      String kind,
      String ownerTokenId,
      String inputRef,
      String sha256,
      String params,
      int limit)
      throws SQLException {
    c.setAutoCommit(false);
    try {
      try (PreparedStatement ps =
          c.prepareStatement("SELECT id FROM api_tokens WHERE id = ? FOR UPDATE")) {
        ps.setString(1, ownerTokenId);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new StorageException("no token " + ownerTokenId + " owns this job", null);
          }
        }
      }
      if (active(c, ownerTokenId) >= limit) {
        c.rollback();
        return false;
      }
      insert(c, id, kind, ownerTokenId, inputRef, sha256, params);
      c.commit();
      return true;
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  /** Queued or running jobs of one token (the per-token concurrency limit counts these). */
  public long active(String ownerTokenId) {
    try (Connection c = db.getConnection()) {
      return active(c, ownerTokenId);
    } catch (SQLException e) {
      throw new StorageException("cannot count jobs", e);
    }
  }

  private static long active(Connection c, String ownerTokenId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT COUNT(*) FROM jobs WHERE owner_token_id = ? AND state IN ('queued',"
                + " 'running')")) {
      ps.setString(1, ownerTokenId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /**
   * {@link #claim} unless the job was already claimed {@code maxAttempts} times: a job whose worker
   * dies each time (a poison input) is not taken again.
   */
  public boolean claim(String id, String worker, Duration lease, int maxAttempts) {
    OffsetDateTime now = now();
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE jobs SET state = 'running', lease_owner = ?, lease_expires_at = ?,"
                    + " attempts = attempts + 1, updated_at = ? WHERE id = ? AND attempts < ? AND"
                    + " (state = 'queued' OR (state = 'running' AND lease_expires_at < ?))")) {
      ps.setString(1, worker);
      ps.setObject(2, now.plus(lease));
      ps.setObject(3, now);
      ps.setString(4, id);
      ps.setInt(5, maxAttempts);
      ps.setObject(6, now);
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new StorageException("cannot claim job", e);
    }
  }

  /**
   * Fails every job of {@code kind} that was claimed {@code maxAttempts} times and whose last lease
   * expired (its worker died again) with {@code reason}; the number failed.
   */
  public int failExhausted(String kind, int maxAttempts, String reason) {
    OffsetDateTime now = now();
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE jobs SET state = 'failed', error = ?, lease_owner = NULL,"
                    + " lease_expires_at = NULL, updated_at = ? WHERE kind = ? AND attempts >= ?"
                    + " AND state = 'running' AND lease_expires_at < ?")) {
      ps.setString(1, reason);
      ps.setObject(2, now);
      ps.setString(3, kind);
      ps.setInt(4, maxAttempts);
      ps.setObject(5, now);
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new StorageException("cannot fail exhausted jobs", e);
    }
  }

  /** The state of job {@code id}, empty when there is no such job. */
  public Optional<String> state(String id) {
    try (Connection c = db.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT state FROM jobs WHERE id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StorageException("cannot read job state", e);
    }
  }

  /** Ids of jobs of {@code kind} a worker could claim now, oldest first. */
  public List<String> runnable(String kind, int limit) {
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT id FROM jobs WHERE kind = ? AND (state = 'queued' OR (state = 'running'"
                    + " AND lease_expires_at < ?)) ORDER BY created_at LIMIT ?")) {
      ps.setString(1, kind);
      ps.setObject(2, now());
      ps.setInt(3, limit);
      List<String> out = new java.util.ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StorageException("cannot list runnable jobs", e);
    }
  }

  /**
   * Records progress (and the checkpoint, when one was written) and renews the lease while {@code
   * worker} holds it. Empty when the lease is lost; otherwise whether a cancel was requested.
   */
  public Optional<Boolean> progress(
      String id,
      String worker,
      Duration lease,
      long documents,
      long bytes,
      Optional<String> checkpoint) {
    OffsetDateTime now = now();
    try (Connection c = db.getConnection()) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE jobs SET progress_done = ?, progress_bytes = ?, lease_expires_at = ?,"
                  + " updated_at = ?"
                  + (checkpoint.isPresent() ? ", checkpoint = ?" : "")
                  + " WHERE id = ? AND state = 'running' AND lease_owner = ?")) {
        int i = 1;
        ps.setLong(i++, documents);
        ps.setLong(i++, bytes);
        ps.setObject(i++, now.plus(lease));
        ps.setObject(i++, now);
        if (checkpoint.isPresent()) {
          ps.setString(i++, checkpoint.get());
        }
        ps.setString(i++, id);
        ps.setString(i, worker);
        if (ps.executeUpdate() != 1) {
          return Optional.empty();
        }
      }
      try (PreparedStatement ps =
          c.prepareStatement("SELECT cancel_requested FROM jobs WHERE id = ?")) {
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          return Optional.of(rs.next() && rs.getBoolean(1));
        }
      }
    } catch (SQLException e) {
      throw new StorageException("cannot record job progress", e);
    }
  }

  /**
   * Ends a job held by {@code worker} with {@code state} and, in the same transaction, its audit
   * row: a crash leaves either both or neither, so a rerun never loses nor doubles the row. False
   * when the lease was lost (another worker owns the job now).
   */
  public boolean finish(
      String id,
      String worker,
      String state,
      Optional<String> result,
      Optional<String> error,
      Optional<AuditLog.Entry> audit) {
    return finish(id, worker, state, result, error, audit, c -> {});
  }

  /**
   * Work that joins the transaction ending a job, after the job's row and audit row are written.
   */
  @FunctionalInterface
  interface EndWork {
    void run(Connection c) throws SQLException, java.io.IOException;
  }

  /**
   * {@link #finish} with {@code more} in the same transaction (a scan's evidence): all of it is
   * committed or none, and nothing runs when the lease was lost.
   */
  boolean finish(
      String id,
      String worker,
      String state,
      Optional<String> result,
      Optional<String> error,
      Optional<AuditLog.Entry> audit,
      EndWork more) {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE jobs SET state = ?, result = ?, error = ?, lease_owner = NULL,"
                  + " lease_expires_at = NULL, updated_at = ? WHERE id = ? AND state = 'running'"
                  + " AND lease_owner = ?")) {
        ps.setString(1, state);
        ps.setString(2, result.orElse(null));
        ps.setString(3, error.map(e -> e.length() > 1000 ? e.substring(0, 1000) : e).orElse(null));
        ps.setObject(4, now());
        ps.setString(5, id);
        ps.setString(6, worker);
        if (ps.executeUpdate() != 1) {
          c.rollback();
          return false;
        }
        if (audit.isPresent()) {
          AuditLog.insert(c, audit.get());
        }
        more.run(c);
        c.commit();
        return true;
      } catch (SQLException | java.io.IOException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException | java.io.IOException e) {
      throw new StorageException("cannot finish job", e);
    }
  }

  /**
   * Cancels a job: a queued one at once, a running one by a request its worker honours at its next
   * batch. False when the job has already ended.
   */
  public boolean cancel(String id) {
    try (Connection c = db.getConnection()) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE jobs SET state = 'cancelled', updated_at = ? WHERE id = ? AND state ="
                  + " 'queued'")) {
        ps.setObject(1, now());
        ps.setString(2, id);
        if (ps.executeUpdate() == 1) {
          return true;
        }
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE jobs SET cancel_requested = TRUE, updated_at = ? WHERE id = ? AND state ="
                  + " 'running'")) {
        ps.setObject(1, now());
        ps.setString(2, id);
        return ps.executeUpdate() == 1;
      }
    } catch (SQLException e) {
      throw new StorageException("cannot cancel job", e);
    }
  }

  private static OffsetDateTime now() {
    return OffsetDateTime.ofInstant(Instant.now().truncatedTo(ChronoUnit.MILLIS), ZoneOffset.UTC);
  }
}
