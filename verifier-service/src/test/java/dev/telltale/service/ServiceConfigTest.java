package dev.telltale.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Precedence flags > environment > file > defaults, and one-line errors for bad settings. */
class ServiceConfigTest {
  @TempDir Path dir;

  @Test
  void flagsBeatEnvironmentWhichBeatsTheFileWhichBeatsDefaults() throws Exception {
    Path file = dir.resolve("telltale.json");
    Files.writeString(
        file,
        "{\"port\": 9000, \"workers\": 3, \"limits\": {\"body_bytes\": 2048, \"text_chars\": 100},"
            + " \"rate\": {\"detect_burst\": 7}}");
    ServiceConfig c =
        ServiceConfig.resolve(
            Optional.of(file),
            Map.of("TELLTALE_PORT", "9001", "TELLTALE_LIMITS_BODY_BYTES", "4096", "PATH", "/bin"),
            Map.of("port", "9002"));
    assertEquals(9002, c.port()); // flag over env over file
    assertEquals(4096, c.maxBodyBytes()); // env over file
    assertEquals(3, c.workerThreads()); // file over default
    assertEquals(100, c.maxTextChars());
    assertEquals(7, c.detectBurst());
    assertEquals(600.0, c.detectPerMinute()); // default
    assertEquals(Path.of("telltale-data"), c.dataDir());
  }

  @Test
  void propertiesFilesWorkToo() throws Exception {
    Path file = dir.resolve("telltale.properties");
    Files.writeString(file, "db = jdbc:postgresql://db/telltale\nrate.detect_per_minute = 30\n");
    ServiceConfig c = ServiceConfig.resolve(Optional.of(file), Map.of(), Map.of());
    assertEquals("jdbc:postgresql://db/telltale", c.jdbcUrl());
    assertEquals(30.0, c.detectPerMinute());
  }

  @Test
  void defaultsUseTheEmbeddedDatabaseAndKeysInTheDataDirectory() {
    ServiceConfig c = ServiceConfig.defaultsOnly().with(Map.of("data", dir.toString()));
    assertTrue(c.jdbcUrl().startsWith("jdbc:h2:file:" + dir.toAbsolutePath()));
    assertEquals(dir.resolve("keys.json"), c.keysPath());
    assertEquals(
        "TELLTALE_RATE_DETECT_PER_MINUTE", ServiceConfig.envName("rate.detect_per_minute"));
  }

  @Test
  void badSettingsAreOneLineErrorsNamingTheSetting() throws Exception {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                ServiceConfig.resolve(Optional.empty(), Map.of("TELLTALE_PORT", "http"), Map.of()));
    assertTrue(e.getMessage().contains("port"), e.getMessage());
    e =
        assertThrows(
            ConfigException.class,
            () -> ServiceConfig.resolve(Optional.empty(), Map.of(), Map.of("port", "70000")));
    assertTrue(e.getMessage().contains("port"), e.getMessage());
    Path file = dir.resolve("bad.json");
    Files.writeString(file, "{\"limits\": {\"body_byte\": 1}}");
    e =
        assertThrows(
            ConfigException.class,
            () -> ServiceConfig.resolve(Optional.of(file), Map.of(), Map.of()));
    assertTrue(e.getMessage().contains("limits.body_byte"), e.getMessage());
    e =
        assertThrows(
            ConfigException.class,
            () -> ServiceConfig.defaultsOnly().with(Map.of("rate.detect_burst", "0")));
    assertTrue(e.getMessage().contains("rate.detect_burst"), e.getMessage());
    e =
        assertThrows(
            ConfigException.class,
            () ->
                ServiceConfig.resolve(
                    Optional.of(dir.resolve("missing.json")), Map.of(), Map.of()));
    assertTrue(e.getMessage().contains("missing.json"), e.getMessage());
  }

  @Test
  void aConfiguredKeyFileThatIsMissingIsAnErrorNotANewKey() {
    ServiceConfig c =
        ServiceConfig.defaultsOnly()
            .with(Map.of("data", dir.toString(), "keys", dir.resolve("lost.json").toString()));
    assertThrows(ConfigException.class, () -> VerifierService.loadOrCreateKeys(c, m -> {}));
    assertTrue(Files.notExists(dir.resolve("lost.json")));
  }
}
