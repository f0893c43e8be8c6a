package dev.telltale.cli;

import dev.telltale.service.ConfigException;
import dev.telltale.service.ServiceConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where the service keeps its data, shared by {@code serve} and {@code tokens}: flags override
 * {@code TELLTALE_*} environment variables, which override the config file.
 */
final class ServiceOptions {
  @Option(
      names = "--data",
      paramLabel = "DIR",
      description =
          "Data directory (embedded database, generated key set); default ./telltale-data.")
  Path data;

  @Option(
      names = "--db",
      paramLabel = "URL",
      description = "JDBC URL of a PostgreSQL database instead of the embedded one.")
  String db;

  @Option(names = "--db-user", paramLabel = "USER", description = "Database user.")
  String dbUser;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Config file (.json or .properties); see README, Configuration.")
  Path config;

  Map<String, String> flags() {
    Map<String, String> m = new LinkedHashMap<>();
    if (data != null) {
      m.put("data", data.toString());
    }
    if (db != null) {
      m.put("db", db);
    }
    if (dbUser != null) {
      m.put("db.user", dbUser);
    }
    return m;
  }

  /** The resolved settings with {@code more} flags on top; a bad setting is bad input. */
  ServiceConfig resolve(Map<String, String> more) {
    Map<String, String> flags = flags();
    flags.putAll(more);
    try {
      return ServiceConfig.resolve(Optional.ofNullable(config), System.getenv(), flags);
    } catch (ConfigException e) {
      throw new BadInputException(e.getMessage());
    }
  }
}
