package dev.telltale.service;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The service's JDBC storage: a HikariCP pool over the embedded H2 file database (default) or
 * PostgreSQL, migrated with Flyway on open. Every call is blocking: run it off the event loop.
 */
public final class Database implements AutoCloseable {
  private final HikariDataSource pool;
  private final String product;
  private final boolean embedded;
  private final String url;

  private Database(HikariDataSource pool, String product, boolean embedded, String url) {
    this.pool = pool;
    this.product = product;
    this.embedded = embedded;
    this.url = url;
  }

  static {
    // The embedded database runs in H2's mixed mode (AUTO_SERVER=TRUE in the default URL): the
    // process that opens it first serves it to later ones (telltale tokens while telltale serve
    // runs) over TCP, guarded by a random key in the lock file. Bind that server to the loopback
    // address, never to every interface. Read once when H2 loads, so set before any connection.
    if (System.getProperty("h2.bindAddress") == null) {
      System.setProperty("h2.bindAddress", "127.0.0.1");
    }
  }

  /** Opens the configured database, creating the data directory and migrating the schema. */
  public static Database open(ServiceConfig config) {
    String url = config.jdbcUrl();
    if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
      throw new ConfigException("db must be a jdbc:postgresql: or jdbc:h2: URL");
    }
    try {
      if (config.dbUrl().isEmpty()) {
        Files.createDirectories(config.dataDir());
      }
    } catch (java.io.IOException e) {
      throw new ConfigException(
          "cannot create data directory '" + config.dataDir() + "': " + e.getMessage());
    }
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(url);
    if (!config.dbUser().isEmpty()) {
      hc.setUsername(config.dbUser());
    }
    if (!config.dbPassword().isEmpty()) {
      hc.setPassword(config.dbPassword());
    }
    if (!config.dbSchema().isEmpty()) {
      hc.setSchema(config.dbSchema());
    }
    hc.setMaximumPoolSize(config.dbPoolSize());
    hc.setPoolName("telltale-db");
    hc.setConnectionTimeout(10_000);
    HikariDataSource ds;
    try {
      ds = new HikariDataSource(hc);
    } catch (RuntimeException e) {
      if (url.startsWith("jdbc:h2:") && rootMessage(e).contains("already in use")) {
        throw new StorageException(
            "the embedded database in '"
                + config.dataDir()
                + "' is in use by another process (a running telltale serve?); stop it, or use"
                + " the admin routes, or PostgreSQL, which several processes can share",
            e);
      }
      // The driver's message may echo the URL; it holds no password when flags carry it apart.
      throw new StorageException("cannot open database: " + rootMessage(e), e);
    }
    try {
      var flyway =
          Flyway.configure()
              .dataSource(ds)
              .locations("classpath:db/migration")
              .failOnMissingLocations(true);
      if (!config.dbSchema().isEmpty()) {
        flyway.schemas(config.dbSchema()).createSchemas(true);
      }
      flyway.load().migrate();
      String product;
      try (Connection c = ds.getConnection()) {
        product = c.getMetaData().getDatabaseProductName();
      }
      return new Database(ds, product, config.dbUrl().isEmpty(), url);
    } catch (SQLException | RuntimeException e) {
      ds.close();
      throw new StorageException("cannot migrate database: " + rootMessage(e), e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  public DataSource dataSource() {
    return pool;
  }

  /** "H2" or "PostgreSQL". */
  public String product() {
    return product;
  }

  /** True when a connection answers a trivial query within a second. */
  public boolean ping() {
    try (Connection c = pool.getConnection()) {
      return c.isValid(1);
    } catch (SQLException e) {
      return false;
    }
  }

  /** The data directory of an embedded database, for messages; empty for a server database. */
  public static String describe(ServiceConfig config) {
    return config.dbUrl().isEmpty()
        ? "embedded H2 in " + config.dataDir().toAbsolutePath()
        : "PostgreSQL" + (config.dbSchema().isEmpty() ? "" : ", schema " + config.dbSchema());
  }

  /**
   * Closes this pool and, for the embedded database when nothing else uses it, the database: its
   * URL keeps it open between connections ({@code DB_CLOSE_DELAY=-1}), so without this it stayed
   * open until the JVM exited, and H2's watchdog kept re-creating its lock file. Another pool in
   * this process (a service beside {@code telltale tokens} in one JVM) or a client of H2's
   * auto-server keeps it open.
   */
  @Override
  public void close() {
    pool.close();
    shutDownEmbedded(true);
  }

  /**
   * Closes the pool and, for the embedded database, the database itself: its files and lock are
   * released before this returns, so the data folder can be moved or deleted at once (without it
   * the database stayed open until the JVM exited, and H2's watchdog kept re-creating the lock
   * file). A server database is left running.
   */
  public void shutdown() {
    pool.close();
    shutDownEmbedded(false);
  }

  // After the pool is closed: SHUTDOWN the embedded database over a connection of its own, when
  // onlyIfLast only if that connection is its last session.
  private void shutDownEmbedded(boolean onlyIfLast) {
    if (!embedded) {
      return;
    }
    try (Connection c = java.sql.DriverManager.getConnection(url);
        java.sql.Statement s = c.createStatement()) {
      if (onlyIfLast) {
        try (java.sql.ResultSet r =
            s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS")) {
          if (!r.next() || r.getLong(1) != 1) {
            return;
          }
        }
      }
      s.execute("SHUTDOWN");
    } catch (SQLException e) {
      // Closed meanwhile, or unreachable: closing the pool was all that was left to do.
    }
  }
}
