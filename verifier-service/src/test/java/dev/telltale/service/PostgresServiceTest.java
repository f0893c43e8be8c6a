package dev.telltale.service;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/**
 * The API contract over PostgreSQL at 127.0.0.1:5432 (database {@code test}, trust auth), in a
 * schema of its own so that concurrent runs never collide; the schema is dropped afterwards.
 */
class PostgresServiceTest extends VerifierApiTests {
  static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";
  private final String schema = "telltale_test_" + UUID.randomUUID().toString().replace("-", "");

  /** postgres, or root where the cluster was set up for the machine's user. */
  static String user() {
    for (String u : new String[] {"postgres", "root"}) {
      try (Connection c = DriverManager.getConnection(URL, u, "")) {
        return u;
      } catch (java.sql.SQLException e) {
        // try the next user
      }
    }
    throw new IllegalStateException(
        "PostgreSQL is not reachable at " + URL + " as postgres or root");
  }

  @Override
  Map<String, String> databaseSettings(Path dir) {
    return Map.of("db", URL, "db.user", user(), "db.schema", schema);
  }

  @Override
  void dropDatabase() throws Exception {
    try (Connection c = DriverManager.getConnection(URL, user(), "");
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }
}
