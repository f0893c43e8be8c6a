package dev.telltale.service;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Who tested what: one row per detection with the token id, the route, the SHA-256 of the submitted
 * input and the result. The submitted text itself is never stored. Blocking (JDBC).
 */
public final class AuditLog {
  private final DataSource db;

  public AuditLog(DataSource db) {
    this.db = db;
  }

  /** One audit row; {@code id} is 0 before it is stored. */
  public record Entry(
      long id,
      Instant at,
      String tokenId,
      String route,
      String inputSha256,
      int inputTokens,
      Optional<String> keyId,
      Optional<String> verdict,
      Optional<Double> pValue,
      Optional<Double> log10PValue) {

    /** The row as {@code GET /v1/audit} shows it (absent values left out). */
    public ObjectNode toJson() {
      ObjectNode j = JsonNodeFactory.instance.objectNode();
      j.put("id", id);
      j.put("at", at.toString());
      j.put("token_id", tokenId);
      j.put("route", route);
      j.put("input_sha256", inputSha256);
      j.put("input_tokens", inputTokens);
      keyId.ifPresent(v -> j.put("key_id", v));
      verdict.ifPresent(v -> j.put("verdict", v));
      pValue.ifPresent(v -> j.put("p_value", v));
      log10PValue.ifPresent(v -> j.put("log10_p_value", v));
      return j;
    }
  }

  public void append(Entry e) {
    try (Connection c = db.getConnection()) {
      insert(c, e);
    } catch (SQLException ex) {
      throw new StorageException("cannot write audit row", ex);
    }
  }

  private static final String INSERT =
      "INSERT INTO audit_log (at, token_id, route, input_sha256, input_tokens, key_id, verdict,"
          + " p_value, log10_p_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

  /** Writes {@code e} on {@code c}, inside the caller's transaction if it has one. */
  static void insert(Connection c, Entry e) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(INSERT)) {
      bind(ps, e);
      ps.executeUpdate();
    }
  }

  /** Writes all {@code entries} on {@code c} as one JDBC batch (the caller commits). */
  static void insertAll(Connection c, List<Entry> entries) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(INSERT)) {
      for (Entry e : entries) {
        bind(ps, e);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static void bind(PreparedStatement ps, Entry e) throws SQLException {
    ps.setObject(1, OffsetDateTime.ofInstant(e.at(), ZoneOffset.UTC));
    ps.setString(2, e.tokenId());
    ps.setString(3, e.route());
    ps.setString(4, e.inputSha256());
    ps.setInt(5, e.inputTokens());
    ps.setString(6, e.keyId().orElse(null));
    ps.setString(7, e.verdict().orElse(null));
    setDouble(ps, 8, e.pValue());
    setDouble(ps, 9, e.log10PValue());
  }

  /** The newest rows first, at most {@code limit}, with ids below {@code beforeId} if given. */
  public List<Entry> list(int limit, Optional<Long> beforeId) {
    String sql =
        "SELECT id, at, token_id, route, input_sha256, input_tokens, key_id, verdict, p_value,"
            + " log10_p_value FROM audit_log"
            + (beforeId.isPresent() ? " WHERE id < ?" : "")
            + " ORDER BY id DESC LIMIT ?";
    try (Connection c = db.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      if (beforeId.isPresent()) {
        ps.setLong(i++, beforeId.get());
      }
      ps.setInt(i, limit);
      List<Entry> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new Entry(
                  rs.getLong(1),
                  rs.getObject(2, OffsetDateTime.class).toInstant(),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getInt(6),
                  Optional.ofNullable(rs.getString(7)),
                  Optional.ofNullable(rs.getString(8)),
                  optionalDouble(rs, 9),
                  optionalDouble(rs, 10)));
        }
      }
      return out;
    } catch (SQLException ex) {
      throw new StorageException("cannot read audit log", ex);
    }
  }

  private static void setDouble(PreparedStatement ps, int i, Optional<Double> v)
      throws SQLException {
    if (v.isPresent()) {
      ps.setDouble(i, v.get());
    } else {
      ps.setNull(i, Types.DOUBLE);
    }
  }

  private static Optional<Double> optionalDouble(ResultSet rs, int i) throws SQLException {
    double v = rs.getDouble(i);
    return rs.wasNull() ? Optional.empty() : Optional.of(v);
  }
}
