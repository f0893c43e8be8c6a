package dev.telltale.service;

import dev.telltale.key.KeyFileException;
import dev.telltale.key.KeySet;
import dev.telltale.key.KeySetFile;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Starts the verifier service: opens and migrates the database, loads the key set (creating one in
 * the data directory on first start when none is configured) and deploys the HTTP verticle.
 */
public final class VerifierService {
  private static final Logger LOG = Logger.getLogger(VerifierService.class.getName());

  private final Vertx vertx;
  private final Database db;
  private final VerifierVerticle verticle;
  private final String deployment;

  private VerifierService(Vertx vertx, Database db, VerifierVerticle verticle, String deployment) {
    this.vertx = vertx;
    this.db = db;
    this.verticle = verticle;
    this.deployment = deployment;
  }

  /** Opens storage and keys off the event loop, then listens; fails with a one-line reason. */
  public static Future<VerifierService> start(Vertx vertx, ServiceConfig config) {
    Metrics metrics = new Metrics();
    return vertx
        .<Resources>executeBlocking(
            () -> {
              DataFolder.secure(config.dataDir());
              Database db = Database.open(config);
              if (config.dbUrl().isEmpty()) {
                // The embedded database's files were just created with the process's umask.
                DataFolder.secure(config.dataDir());
              }
              try {
                return new Resources(db, loadOrCreateKeys(config, LOG::info));
              } catch (RuntimeException e) {
                db.shutdown();
                throw e;
              }
            },
            false)
        .compose(
            res -> {
              VerifierVerticle v = new VerifierVerticle(config, res.db, res.keys, metrics);
              return vertx
                  .deployVerticle(v)
                  .map(id -> new VerifierService(vertx, res.db, v, id))
                  .onFailure(e -> res.db.shutdown());
            })
        .onSuccess(
            s ->
                LOG.info(
                    "telltale verifier listening on "
                        + config.host()
                        + ":"
                        + s.port()
                        + " ("
                        + Database.describe(config)
                        + ")"));
  }

  private record Resources(Database db, KeySet keys) {}

  public int port() {
    return verticle.port();
  }

  /** Connections the server has taken in since start (for tests and diagnostics). */
  long connectionsAccepted() {
    return verticle.connections().accepted();
  }

  /** Body timers the connection guard holds now (for tests). */
  int bodyTimers() {
    return verticle.connections().bodyTimers();
  }

  public Database database() {
    return db;
  }

  /** Stops listening and closes the database pool. */
  public Future<Void> close() {
    return vertx
        .undeploy(deployment)
        .eventually(
            () -> {
              db.shutdown();
              return Future.succeededFuture();
            });
  }

  /**
   * The configured key set, or, when no key file is configured, {@code keys.json} in the data
   * directory, created (owner-only) on first start with a watermark key and an Ed25519 signing key
   * ({@link KeySet#generateDefault}). A configured file that is missing is an error: silently
   * replacing a lost key would make every earlier output undetectable.
   */
  public static KeySet loadOrCreateKeys(ServiceConfig config, Consumer<String> log) {
    Path path = config.keysPath();
    try {
      if (config.keysFile().isEmpty() && !Files.exists(path)) {
        Files.createDirectories(config.dataDir());
        // The same construction as `telltale keys create`: a watermark key and a signing key.
        KeySetFile.write(path, KeySet.generateDefault(new SecureRandom()), false);
        log.accept(
            "created a new key set in "
                + path.toAbsolutePath()
                + " (owner-only); generate with it and keep a backup: without it nothing"
                + " watermarked with these keys can be detected");
      }
      KeySet keys = KeySetFile.read(path);
      log.accept(
          "loaded "
              + keys.keys().size()
              + " watermark key(s) and "
              + keys.signingKeys().size()
              + " signing key(s) from "
              + path);
      return keys;
    } catch (KeyFileException e) {
      throw new ConfigException(e.getMessage());
    } catch (java.io.IOException e) {
      throw new ConfigException(
          "cannot create data directory '" + config.dataDir() + "': " + e.getMessage());
    }
  }
}
