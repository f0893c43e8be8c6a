package dev.telltale.service;

import java.nio.file.Path;
import java.util.Map;

/** The API contract over the embedded H2 file database in a temp data directory. */
class H2ServiceTest extends VerifierApiTests {
  @Override
  Map<String, String> databaseSettings(Path dir) {
    return Map.of();
  }
}
