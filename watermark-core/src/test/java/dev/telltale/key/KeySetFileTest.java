package dev.telltale.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.telltale.TestGenerators;
import dev.telltale.TestKeys;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.generators.Generate;

class KeySetFileTest {
  @TempDir Path dir;

  private static KeySet sample() {
    WatermarkKey a = TestKeys.key(1, GreenListParameters.builder().gamma(0.3).delta(1.5).build());
    WatermarkKey b = TestKeys.key(2, GumbelParameters.builder().contextWidth(3).build());
    return KeySet.of(b.id(), List.of(a, b));
  }

  @Test
  void writtenFilesAreOwnerOnlyAndReadBackEqual() throws Exception {
    Path f = dir.resolve("keys.json");
    KeySetFile.write(f, sample(), false);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    assertEquals(sample(), KeySetFile.read(f));
    assertThrows(KeyFileException.class, () -> KeySetFile.write(f, sample(), false));
  }

  @Test
  void worldReadableFilesAreRefused() throws Exception {
    Path f = dir.resolve("keys.json");
    KeySetFile.write(f, sample(), false);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
    KeyFileException e = assertThrows(KeyFileException.class, () -> KeySetFile.read(f));
    assertTrue(e.getMessage().contains("chmod 600"));
  }

  /** Parses a one-key file whose key entry has id, created and {@code keyFields}; must fail. */
  private static KeyFileException parseFailure(String keyFields) {
    String json =
        "{\"format\":\"telltale-keyset\",\"version\":1,\"primary\":\"a\",\"watermark_keys\":[{\"id\":\"a\","
            + "\"created\":\"2026-01-01T00:00:00Z\","
            + keyFields
            + "}]}";
    return assertThrows(
        KeyFileException.class, () -> KeySetFile.parse(json.getBytes(StandardCharsets.UTF_8), "t"));
  }

  @Test
  void missingFileIsAClearError() {
    KeyFileException e =
        assertThrows(KeyFileException.class, () -> KeySetFile.read(dir.resolve("absent.json")));
    assertTrue(e.getMessage().contains("does not exist"));
  }

  @Test
  void errorsNeverContainSecretBytes() {
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[31]);
    KeyFileException e =
        parseFailure(
            "\"scheme\":\"kgw\",\"gamma\":0.25,\"delta\":2.0,\"context_width\":2,\"secret\":\""
                + secret
                + "\"");
    assertFalse(e.getMessage().contains(secret));
    assertTrue(e.getMessage().contains("31 bytes"));
  }

  @Test
  void gumbelKeysRefuseGreenListFields() {
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);
    KeyFileException e =
        parseFailure(
            "\"scheme\":\"gumbel\",\"gamma\":0.25,\"context_width\":2,\"secret\":\""
                + secret
                + "\"");
    assertTrue(e.getMessage().contains("'gamma'"), e.getMessage());
  }

  @Test
  void keysCompareSecretsAndNeverPrintThem() {
    WatermarkKey k =
        WatermarkKey.generate(KeyId.of("x"), GreenListParameters.defaults(), new SecureRandom());
    String b64 =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(k.secret().toByteArray(SecretAccess.get()));
    assertFalse(k.toString().contains(b64));
    assertEquals("SecretBytes[32 bytes]", k.secret().toString());
    WatermarkKey other =
        WatermarkKey.of(
            k.id(), k.parameters(), SecretBytes.random(32, new SecureRandom()), k.created());
    assertNotEquals(k, other);
  }

  @Test
  void subkeysDifferByPurposeAndRotationKeepsOldKeys() {
    WatermarkKey k = TestKeys.key(9, GreenListParameters.defaults());
    assertFalse(
        java.util.Arrays.equals(
            k.subkey(KeyPurpose.CONTEXT_SEED, SecretAccess.get()),
            k.subkey(KeyPurpose.PAYLOAD, SecretAccess.get())));
    KeySet s = KeySet.single(k);
    WatermarkKey next = TestKeys.key(10, GreenListParameters.defaults());
    KeySet rotated = s.rotate(next);
    assertEquals(next.id(), rotated.primaryId());
    assertTrue(rotated.get(k.id()).isPresent());
  }

  @Test
  void parserThrowsOnlyKeyFileExceptionOnRandomBytes() {
    // noise, and the serialized sample with damaged bytes
    byte[] good = KeySetFile.serialize(sample());
    qt().withFixedSeed(0x4E75_0001L)
        .withExamples(500)
        .forAll(
            Generate.oneOf(
                TestGenerators.bytes(300),
                TestGenerators.damaged(Generate.constant(() -> good.clone()))))
        .checkAssert(bytes -> parsesOrFailsWithoutLeaking(bytes, "random"));
  }

  @Test
  void parserThrowsOnlyKeyFileExceptionOnMutatedFiles() {
    byte[] good = KeySetFile.serialize(sample());
    qt().withFixedSeed(0x4E75_0002L)
        .withExamples(500)
        .forAll(integers().between(0, 10_000), TestGenerators.anyByte())
        .checkAssert(
            (pos, replacement) -> {
              byte[] bad = good.clone();
              bad[Math.floorMod(pos, bad.length)] = replacement;
              parsesOrFailsWithoutLeaking(bad, "mutated");
            });
  }

  /**
   * The parser either gives a key set that writes back to a file it reads equal, or throws the
   * documented error, whose message never carries a run of the sample's secrets.
   */
  private static void parsesOrFailsWithoutLeaking(byte[] bytes, String name) {
    try {
      KeySet k = KeySetFile.parse(bytes, name);
      assertEquals(k, KeySetFile.parse(KeySetFile.serialize(k), "written back"));
    } catch (KeyFileException e) {
      for (String secret : SAMPLE_SECRETS) {
        for (int i = 0; i + 12 <= secret.length(); i++) {
          String run = secret.substring(i, i + 12);
          assertFalse(e.getMessage().contains(run), e.getMessage());
        }
      }
    }
  }

  private static final List<String> SAMPLE_SECRETS =
      sample().keys().stream()
          .map(
              k ->
                  Base64.getUrlEncoder()
                      .withoutPadding()
                      .encodeToString(k.secret().toByteArray(SecretAccess.get())))
          .toList();
}
