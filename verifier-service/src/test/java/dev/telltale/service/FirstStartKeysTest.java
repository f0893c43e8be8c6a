package dev.telltale.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.key.KeySet;
import dev.telltale.key.KeySetFile;
import dev.telltale.key.SigningKeyStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key set the service creates on its first start when no key file is configured. */
class FirstStartKeysTest {
  @TempDir Path dir;

  @Test
  void firstStartCreatesAWatermarkKeyAndASigningKeyOnceOwnerOnly() throws Exception {
    ServiceConfig config = ServiceConfig.defaultsOnly().with(Map.of("data", dir.toString()));
    List<String> log = new ArrayList<>();
    KeySet created = VerifierService.loadOrCreateKeys(config, log::add);
    assertEquals(1, created.keys().size());
    assertTrue(created.primaryId().value().matches("wm-\\d{8}-[0-9a-f]{6}"), created.toString());
    assertEquals(1, created.signingKeys().size());
    var signing = created.primarySigningKey().orElseThrow();
    assertEquals(SigningKeyStatus.ACTIVE, signing.status());
    assertTrue(signing.id().value().matches("sig-\\d{8}-[0-9a-f]{6}"), signing.id().value());
    Path file = dir.resolve("keys.json");
    assertEquals(created, KeySetFile.read(file));
    assertEquals(
        Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
        Files.getPosixFilePermissions(file));
    // The second start loads the same keys; nothing is replaced.
    assertEquals(created, VerifierService.loadOrCreateKeys(config, log::add));
    assertTrue(log.stream().anyMatch(l -> l.contains("1 signing key(s)")), log.toString());
    String seedHex =
        java.util.HexFormat.of()
            .formatHex(signing.seed().toByteArray(dev.telltale.key.SecretAccess.get()));
    for (String line : log) {
      assertTrue(!line.contains(seedHex), "a log line holds the seed");
    }
  }
}
