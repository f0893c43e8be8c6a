package dev.telltale.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Bearer API tokens. A token reads {@code tt_<id>_<secret>}: a public 16-hex-digit id and 256
 * random bits (base64url). Only SHA-256 of the secret is stored; verification looks the row up by
 * id and compares digests in constant time. Blocking (JDBC).
 */
public final class TokenStore {
  private static final Pattern BEARER = Pattern.compile("tt_([0-9a-f]{16})_([A-Za-z0-9_-]{43})");
  private static final int MAX_LABEL = 200;

  private final DataSource db;
  private final SecureRandom random = new SecureRandom();

  public TokenStore(DataSource db) {
    this.db = db;
  }

  /** A stored token's public facts. */
  public record ApiToken(
      String id, Role role, String label, Instant created, Optional<Instant> revoked) {
    public boolean active() {
      return revoked.isEmpty();
    }
  }

  /** A new token: its public facts and the bearer string, which is shown once and not stored. */
  public record IssuedToken(ApiToken token, String bearer) {
    @Override
    public String toString() {
      return "IssuedToken[" + token + "]";
    }
  }

  public IssuedToken create(Role role, String label) {
    if (label.length() > MAX_LABEL) {
      throw new IllegalArgumentException("label is longer than " + MAX_LABEL + " characters");
    }
    byte[] idBytes = new byte[8];
    byte[] secret = new byte[32];
    random.nextBytes(idBytes);
    random.nextBytes(secret);
    String id = HexFormat.of().formatHex(idBytes);
    String secretText = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO api_tokens (id, secret_sha256, role, label, created_at)"
                    + " VALUES (?, ?, ?, ?, ?)")) {
      ps.setString(1, id);
      ps.setString(2, sha256Hex(secretText));
      ps.setString(3, role.label());
      ps.setString(4, label);
      ps.setObject(5, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StorageException("cannot store token", e);
    }
    return new IssuedToken(
        new ApiToken(id, role, label, now, Optional.empty()), "tt_" + id + "_" + secretText);
  }

  /** The active token a bearer string names, if its secret matches. */
  public Optional<ApiToken> verify(String bearer) {
    var m = BEARER.matcher(bearer);
    if (!m.matches()) {
      return Optional.empty();
    }
    String id = m.group(1);
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT id, role, label, created_at, revoked_at, secret_sha256"
                    + " FROM api_tokens WHERE id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        ApiToken t = row(rs);
        byte[] stored = rs.getString(6).getBytes(StandardCharsets.US_ASCII);
        byte[] given = sha256Hex(m.group(2)).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(stored, given) && t.active()
            ? Optional.of(t)
            : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StorageException("cannot read tokens", e);
    }
  }

  public List<ApiToken> list() {
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT id, role, label, created_at, revoked_at FROM api_tokens"
                    + " ORDER BY created_at, id");
        ResultSet rs = ps.executeQuery()) {
      List<ApiToken> out = new ArrayList<>();
      while (rs.next()) {
        out.add(row(rs));
      }
      return out;
    } catch (SQLException e) {
      throw new StorageException("cannot read tokens", e);
    }
  }

  public Optional<ApiToken> find(String id) {
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT id, role, label, created_at, revoked_at FROM api_tokens WHERE id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(row(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StorageException("cannot read tokens", e);
    }
  }

  /** Revokes a token; revoking a revoked token changes nothing. Empty when no token has this id. */
  public Optional<ApiToken> revoke(String id) {
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
      ps.setObject(1, OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS));
      ps.setString(2, id);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StorageException("cannot revoke token", e);
    }
    return find(id);
  }

  private static ApiToken row(ResultSet rs) throws SQLException {
    OffsetDateTime revoked = rs.getObject(5, OffsetDateTime.class);
    return new ApiToken(
        rs.getString(1),
        Role.parse(rs.getString(2)).orElseThrow(),
        rs.getString(3),
        rs.getObject(4, OffsetDateTime.class).toInstant(),
        Optional.ofNullable(revoked).map(OffsetDateTime::toInstant));
  }

  static String sha256Hex(String s) {
    return HexFormat.of().formatHex(sha256(s.getBytes(StandardCharsets.UTF_8)));
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
