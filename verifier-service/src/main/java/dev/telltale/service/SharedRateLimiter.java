package dev.telltale.service;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The detection rate limit held in PostgreSQL, so that it holds across every instance on the
 * database: one token bucket row per token ({@code rate_buckets}), read and written under its row
 * lock in one transaction, with the database's clock (instances' clocks may differ). The same
 * bucket arithmetic as {@link RateLimiter}.
 */
final class SharedRateLimiter {
  private final DataSource db;
  private final double capacity;
  private final double refillPerMs;

  SharedRateLimiter(DataSource db, double perMinute, int burst) {
    this.db = db;
    this.capacity = burst;
    this.refillPerMs = perMinute / 60_000.0;
  }

  /** Takes one unit from {@code key}'s bucket (blocking: call it off the event loop). */
  RateLimiter.Decision acquire(String key) {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO rate_buckets (token_id, tokens, updated_ms) VALUES (?, ?,"
                    + " CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT))"
                    + " ON CONFLICT (token_id) DO NOTHING")) {
          ps.setString(1, key);
          ps.setDouble(2, capacity);
          ps.executeUpdate();
        }
        double tokens;
        long updated;
        try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT tokens, updated_ms FROM rate_buckets WHERE token_id = ? FOR UPDATE")) {
          ps.setString(1, key);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            tokens = rs.getDouble(1);
            updated = rs.getLong(2);
          }
        }
        // Read after the lock is held: a clock read before it could precede the holder's update.
        long now;
        try (PreparedStatement ps =
                c.prepareStatement(
                    "SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)");
            ResultSet rs = ps.executeQuery()) {
          rs.next();
          now = Math.max(updated, rs.getLong(1));
        }
        tokens = Math.min(capacity, tokens + (now - updated) * refillPerMs);
        RateLimiter.Decision d;
        if (tokens >= 1) {
          tokens -= 1;
          d = new RateLimiter.Decision(true, 0);
        } else {
          double waitMs = (1 - tokens) / refillPerMs;
          d = new RateLimiter.Decision(false, Math.max(1, (long) Math.ceil(waitMs / 1000)));
        }
        try (PreparedStatement ps =
            c.prepareStatement(
                "UPDATE rate_buckets SET tokens = ?, updated_ms = ? WHERE token_id = ?")) {
          ps.setDouble(1, tokens);
          ps.setLong(2, now);
          ps.setString(3, key);
          ps.executeUpdate();
        }
        c.commit();
        return d;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StorageException("cannot check the rate limit", e);
    }
  }
}
