package dev.telltale.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.evidence.EvidenceFormatException;
import dev.telltale.evidence.log.LogRecord;
import dev.telltale.evidence.log.LogStore;
import dev.telltale.evidence.log.SignedTreeHead;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Core's {@link LogStore} on the service's database (tables of migration V3), so the service's
 * transparency log runs core's {@link dev.telltale.evidence.log.MerkleLog} unchanged. Two modes:
 * over a {@link DataSource}, each call its own transaction (a single writer, as {@link LogStore}
 * assumes); or {@linkplain #inTransaction bound to the caller's connection}, inside a transaction
 * that has locked {@code log_state} ({@link EvidenceLog} does this), so that several instances
 * sharing PostgreSQL append one at a time and the rows become durable at the caller's commit.
 */
final class JdbcLogStore implements LogStore {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final DataSource db;
  private final Connection bound;

  private JdbcLogStore(DataSource db, Connection bound) {
    this.db = db;
    this.bound = bound;
  }

  static JdbcLogStore over(DataSource db) {
    return new JdbcLogStore(db, null);
  }

  /** A store whose calls run on {@code c}, in its transaction; it never commits nor closes it. */
  static JdbcLogStore inTransaction(Connection c) {
    return new JdbcLogStore(null, c);
  }

  /** Locks the log for appending until {@code c}'s transaction ends; returns the size. */
  static long lock(Connection c) throws SQLException {
    try (PreparedStatement ps =
            c.prepareStatement("SELECT tree_size FROM log_state WHERE id = 1 FOR UPDATE");
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        throw new SQLException("log_state has no row");
      }
      return rs.getLong(1);
    }
  }

  @FunctionalInterface
  private interface Work<T> {
    T run(Connection c) throws SQLException, IOException;
  }

  private <T> T run(Work<T> work) throws IOException {
    try {
      if (bound != null) {
        return work.run(bound);
      }
      try (Connection c = db.getConnection()) {
        return work.run(c);
      }
    } catch (SQLException e) {
      throw new IOException("the log's database failed: " + e.getMessage(), e);
    }
  }

  @Override
  public long size() throws IOException {
    return run(
        c -> {
          try (PreparedStatement ps =
                  c.prepareStatement("SELECT tree_size FROM log_state WHERE id = 1");
              ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0L;
          }
        });
  }

  @Override
  public byte[] entry(long index) throws IOException {
    return run(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT entry FROM log_entries WHERE entry_index = ?")) {
            ps.setLong(1, index);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                throw new IllegalArgumentException("the log has no entry " + index);
              }
              return Base64.getDecoder().decode(rs.getString(1));
            }
          }
        });
  }

  @Override
  public byte[] hash(int level, long index) throws IOException {
    return run(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT hash FROM log_hashes WHERE level = ? AND node_index = ?")) {
            ps.setInt(1, level);
            ps.setLong(2, index);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                throw new IllegalArgumentException(
                    "the log has no subtree " + index + " at level " + level);
              }
              return HexFormat.of().parseHex(rs.getString(1));
            }
          }
        });
  }

  @Override
  public void append(List<LogRecord> records) throws IOException {
    run(
        c -> {
          if (bound != null) {
            appendOn(c, records);
            return null;
          }
          c.setAutoCommit(false);
          try {
            lock(c);
            appendOn(c, records);
            c.commit();
          } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
          } finally {
            c.setAutoCommit(true);
          }
          return null;
        });
  }

  private static void appendOn(Connection c, List<LogRecord> records) throws SQLException {
    long first = lock(c);
    try (PreparedStatement entries =
            c.prepareStatement("INSERT INTO log_entries (entry_index, entry) VALUES (?, ?)");
        PreparedStatement hashes =
            c.prepareStatement(
                "INSERT INTO log_hashes (level, node_index, hash) VALUES (?, ?, ?)")) {
      for (int k = 0; k < records.size(); k++) {
        long i = first + k;
        LogRecord r = records.get(k);
        entries.setLong(1, i);
        entries.setString(2, Base64.getEncoder().encodeToString(r.entry()));
        entries.addBatch();
        List<byte[]> h = r.hashes();
        for (int level = 0; level < h.size(); level++) {
          hashes.setInt(1, level);
          hashes.setLong(2, i >>> level);
          hashes.setString(3, HexFormat.of().formatHex(h.get(level)));
          hashes.addBatch();
        }
      }
      entries.executeBatch();
      hashes.executeBatch();
    }
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE log_state SET tree_size = ? WHERE id = 1")) {
      ps.setLong(1, first + records.size());
      ps.executeUpdate();
    }
  }

  @Override
  public Optional<SignedTreeHead> latestTreeHead() throws IOException {
    return head("SELECT head FROM log_tree_heads ORDER BY tree_size DESC LIMIT 1", -1);
  }

  @Override
  public Optional<SignedTreeHead> treeHead(long treeSize) throws IOException {
    return head("SELECT head FROM log_tree_heads WHERE tree_size = ?", treeSize);
  }

  private Optional<SignedTreeHead> head(String sql, long size) throws IOException {
    return run(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (size >= 0) {
              ps.setLong(1, size);
            }
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return Optional.empty();
              }
              try {
                return Optional.of(SignedTreeHead.fromJson(MAPPER.readTree(rs.getString(1))));
              } catch (EvidenceFormatException e) {
                throw new IOException("a stored tree head is unreadable: " + e.getMessage(), e);
              }
            }
          }
        });
  }

  /** Records {@code head}, replacing an earlier head of the same size. */
  @Override
  public void addTreeHead(SignedTreeHead head) throws IOException {
    run(
        c -> {
          try (PreparedStatement del =
                  c.prepareStatement("DELETE FROM log_tree_heads WHERE tree_size = ?");
              PreparedStatement ins =
                  c.prepareStatement(
                      "INSERT INTO log_tree_heads (tree_size, head) VALUES (?, ?)")) {
            del.setLong(1, head.treeSize());
            del.executeUpdate();
            ins.setLong(1, head.treeSize());
            ins.setString(2, head.toJson().toString());
            ins.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public void close() {
    // The data source belongs to the service, the connection to the caller.
  }
}
