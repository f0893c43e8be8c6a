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
import javax.sql.DataSource;

/**
 * Durable jobs with leases. A worker claims a runnable job with one conditional UPDATE (queued, or
 * running with an expired lease), so two instances sharing a database never hold the same job at
 * once; it renews the lease while it works and writes progress and checkpoint under the lease. Scan
 * execution itself lands with the corpus scan; this is the storage it will run on.
 */
public final class JobStore {
  /** Job states, as stored. */
  public static final List<String> STATES =
      List.of("queued", "running", "succeeded", "failed", "cancelled");

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
    OffsetDateTime now = now();
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO jobs (id, kind, state, owner_token_id, created_at, updated_at,"
                    + " input_ref, params) VALUES (?, ?, 'queued', ?, ?, ?, ?, ?)")) {
      ps.setString(1, id);
      ps.setString(2, kind);
      ps.setString(3, ownerTokenId);
      ps.setObject(4, now);
      ps.setObject(5, now);
      ps.setString(6, inputRef);
      ps.setString(7, params);
      ps.executeUpdate();
      return id;
    } catch (SQLException e) {
      throw new StorageException("cannot create job", e);
    }
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

  private static OffsetDateTime now() {
    return OffsetDateTime.ofInstant(Instant.now().truncatedTo(ChronoUnit.MILLIS), ZoneOffset.UTC);
  }
}
