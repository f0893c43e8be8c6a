package dev.telltale.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.TestKeys;
import dev.telltale.scheme.GreenListParameters;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Signing keys in key set files: round trip, rotation, old files, refusals. */
class SigningKeySetFileTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  private static KeySet withTwoSigningKeys() {
    KeySet set = KeySet.single(TestKeys.key(1, GreenListParameters.defaults()));
    return set.withSigningKey(SigningKey.generate(KeyId.of("sig-1"), RANDOM))
        .withSigningKey(SigningKey.generate(KeyId.of("sig-2"), RANDOM));
  }

  @Test
  void signingKeysRoundTripWithStatus() throws Exception {
    KeySet set = withTwoSigningKeys();
    KeySet back = KeySetFile.parse(KeySetFile.serialize(set), "mem");
    assertEquals(set, back);
    assertEquals(KeyId.of("sig-2"), back.primarySigningKey().orElseThrow().id());
    assertEquals(
        List.of(SigningKeyStatus.RETIRED, SigningKeyStatus.ACTIVE),
        back.signingKeys().stream().map(SigningKey::status).toList());
    // Watermark rotation keeps the signing keys.
    KeySet rotated = back.rotate(TestKeys.key(2, GreenListParameters.defaults()));
    assertEquals(back.signingKeys(), rotated.signingKeys());
  }

  @Test
  void generatedKeySetHasAWatermarkKeyAndAnActiveSigningKeyWithGeneratedIds() throws Exception {
    KeySet k = KeySet.generateDefault(new SecureRandom());
    assertEquals(1, k.keys().size());
    assertEquals(GreenListParameters.defaults(), k.primary().parameters());
    assertTrue(k.primaryId().value().matches("wm-\\d{8}-[0-9a-f]{6}"), k.toString());
    SigningKey s = k.primarySigningKey().orElseThrow();
    assertEquals(SigningKeyStatus.ACTIVE, s.status());
    assertTrue(s.id().value().matches("sig-\\d{8}-[0-9a-f]{6}"), k.toString());
    assertEquals(List.of(s), k.signingKeys());
    assertFalse(
        k.primary()
            .secret()
            .equalsSecretBytes(KeySet.generateDefault(new SecureRandom()).primary().secret()));
  }

  @Test
  void oldFilesWithoutSigningKeysStillLoad() throws Exception {
    KeySet plain = KeySet.single(TestKeys.key(1, GreenListParameters.defaults()));
    byte[] json = KeySetFile.serialize(plain);
    assertFalse(new String(json, StandardCharsets.UTF_8).contains("signing"));
    KeySet back = KeySetFile.parse(json, "old");
    assertTrue(back.signingKeys().isEmpty());
    assertTrue(back.primarySigningKey().isEmpty());
  }

  @Test
  void toStringNeverShowsTheSeed() {
    SigningKey k = SigningKey.generate(KeyId.of("sig-1"), RANDOM);
    String seed =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(k.seed().toByteArray(SecretAccess.get()));
    assertFalse(k.toString().contains(seed));
    assertFalse(withTwoSigningKeys().toString().contains(seed));
  }

  @Test
  void badSigningSectionsAreRefused() {
    String base = new String(KeySetFile.serialize(withTwoSigningKeys()), StandardCharsets.UTF_8);
    for (String bad :
        List.of(
            base.replace(
                "\"primary_signing_key\" : \"sig-2\"", "\"primary_signing_key\" : \"sig-9\""),
            base.replace(
                "\"primary_signing_key\" : \"sig-2\"", "\"primary_signing_key\" : \"sig-1\""),
            base.replace("\"algorithm\" : \"Ed25519\"", "\"algorithm\" : \"Ed448\""),
            base.replace("\"status\" : \"retired\"", "\"status\" : \"revoked\""),
            base.replaceFirst("\"seed\" : \"[^\"]+\"", "\"seed\" : \"AAAA\""),
            base.replaceFirst("\"seed\" : \"[^\"]+\"", "\"seed\" : \"!!\""),
            base.replace("\"id\" : \"sig-1\"", "\"id\" : \"sig-2\""),
            base.replaceFirst("\"algorithm\"", "\"extra\" : 1, \"algorithm\""))) {
      assertTrue(!bad.equals(base), "replacement did not apply");
      assertThrows(
          KeyFileException.class,
          () -> KeySetFile.parse(bad.getBytes(StandardCharsets.UTF_8), "bad"));
    }
  }

  @Test
  void duplicateSigningIdsAreRefused() {
    KeySet set = withTwoSigningKeys();
    assertThrows(
        IllegalArgumentException.class,
        () -> set.withSigningKey(SigningKey.generate(KeyId.of("sig-1"), RANDOM)));
  }
}
