package dev.telltale.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keys create/rotate} make PRF v2 keys unless told otherwise; {@code keys list} names it.
 */
class KeysPrfCliTest {
  @TempDir Path dir;

  private static JsonNode keys(Path file) throws Exception {
    return new ObjectMapper().readTree(file.toFile()).get("watermark_keys");
  }

  @Test
  void newKeysAreV2AndRotationKeepsOldKeysOnTheirPrf() throws Exception {
    Path file = dir.resolve("keys.json");
    CliRun created = CliRun.run("keys", "create", "--out", file.toString(), "--prf", "v1");
    assertEquals(ExitCode.OK, created.exitCode(), created.err());
    assertFalse(keys(file).get(0).has("prf"), "a v1 key is written as before versioning");

    CliRun rotated = CliRun.run("keys", "rotate", "--keys", file.toString());
    assertEquals(ExitCode.OK, rotated.exitCode(), rotated.err());
    JsonNode k = keys(file);
    assertFalse(k.get(0).has("prf"));
    assertEquals("v2", k.get(1).get("prf").asText());

    CliRun list = CliRun.run("keys", "list", "--keys", file.toString());
    assertEquals(ExitCode.OK, list.exitCode(), list.err());
    assertTrue(list.out().contains("prf=v1"), list.out());
    assertTrue(list.out().contains("prf=v2"), list.out());

    Path fresh = dir.resolve("fresh.json");
    assertEquals(
        ExitCode.OK,
        CliRun.run("keys", "create", "--out", fresh.toString(), "--scheme", "gumbel").exitCode());
    assertEquals("v2", keys(fresh).get(0).get("prf").asText());
  }

  @Test
  void anUnknownPrfIsBadInput() {
    CliRun r =
        CliRun.run("keys", "create", "--out", dir.resolve("k.json").toString(), "--prf", "v9");
    assertEquals(ExitCode.BAD_INPUT, r.exitCode());
  }
}
