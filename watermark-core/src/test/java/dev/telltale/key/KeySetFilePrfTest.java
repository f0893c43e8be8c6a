package dev.telltale.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.TestKeys;
import dev.telltale.detect.Detector;
import dev.telltale.prf.WatermarkPrf;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.scheme.PrfVersion;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Key files name the PRF of each key; without the field a key is v1, as every older file is. */
class KeySetFilePrfTest {
  private static final String SECRET = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";

  private static KeySet parse(String extra) throws KeyFileException {
    String json =
        "{\"format\":\"telltale-keyset\",\"version\":1,\"primary\":\"a\",\"watermark_keys\":[{\"id\":\"a\","
            + "\"created\":\"2026-01-01T00:00:00Z\",\"scheme\":\"kgw\",\"gamma\":0.25,\"delta\":2.0,"
            + "\"context_width\":2,\"self_hash\":false,"
            + extra
            + "\"secret\":\""
            + SECRET
            + "\"}]}";
    return KeySetFile.parse(json.getBytes(StandardCharsets.UTF_8), "test");
  }

  @Test
  void aKeyWithoutThePrfFieldIsV1AndV2IsNamed() throws Exception {
    WatermarkKey v1 = parse("").primary();
    WatermarkKey v2 = parse("\"prf\":\"v2\",").primary();
    assertEquals(PrfVersion.V1, v1.prf());
    assertEquals(PrfVersion.V1, parse("\"prf\":\"v1\",").primary().prf());
    assertEquals(PrfVersion.V2, v2.prf());
    assertNotEquals(v1, v2);
    // one secret, two PRFs: different seeds for the same window
    int[] ctx = {17, 4242};
    assertNotEquals(
        WatermarkPrf.of(v1).contextSeed(ctx, 2), WatermarkPrf.of(v2).contextSeed(ctx, 2));
  }

  @Test
  void unknownPrfNamesAreRefused() {
    KeyFileException e = assertThrows(KeyFileException.class, () -> parse("\"prf\":\"v3\","));
    assertTrue(e.getMessage().contains("unknown prf"), e.getMessage());
    assertThrows(KeyFileException.class, () -> parse("\"prf\":2,"));
  }

  @Test
  void thePrfSurvivesARoundTripAndV1KeysAreWrittenWithoutIt() throws Exception {
    WatermarkKey a = TestKeys.key(1, GreenListParameters.defaults(), PrfVersion.V2);
    WatermarkKey b = TestKeys.key(2, GumbelParameters.builder().build(), PrfVersion.V2);
    WatermarkKey c = TestKeys.key(3, GreenListParameters.defaults());
    KeySet set = KeySet.of(a.id(), List.of(a, b, c));
    byte[] bytes = KeySetFile.serialize(set);
    KeySet back = KeySetFile.parse(bytes, "round trip");
    assertEquals(set, back);
    assertEquals(PrfVersion.V2, back.get(b.id()).orElseThrow().prf());
    assertEquals(PrfVersion.V1, back.get(c.id()).orElseThrow().prf());
    String json = new String(bytes, StandardCharsets.UTF_8);
    assertEquals(2, json.split("\"prf\"", -1).length - 1, json);
    assertFalse(json.contains("\"v1\""), json);
  }

  @Test
  void evidenceKeyParametersNameAV2Prf() throws Exception {
    var v1 = dev.telltale.evidence.KeyCommitment.of(parse("").primary());
    var v2 = dev.telltale.evidence.KeyCommitment.of(parse("\"prf\":\"v2\",").primary());
    assertFalse(v1.parameters().has("prf"), "v1 statements are unchanged");
    assertEquals("v2", v2.parameters().get("prf").asText());
    assertTrue(v2.matches(parse("\"prf\":\"v2\",").primary()));
  }

  @Test
  void newKeysUseTheNewPrf() {
    SecureRandom random = new SecureRandom();
    assertEquals(PrfVersion.V2, PrfVersion.DEFAULT);
    assertEquals(
        PrfVersion.V2,
        WatermarkKey.generate(KeyId.of("x"), GreenListParameters.defaults(), random).prf());
    assertEquals(PrfVersion.V2, KeySet.generateDefault(random).primary().prf());
  }

  @Test
  void aV2KeyDetectsItsOwnTextAndNotAV1KeysWithTheSameSecret() throws Exception {
    WatermarkKey v1 = parse("").primary();
    WatermarkKey v2 = parse("\"prf\":\"v2\",").primary();
    int vocab = 5000;
    int[] ids = new int[400];
    ids[0] = 11;
    ids[1] = 12;
    java.util.SplittableRandom r = new java.util.SplittableRandom(5);
    var session = dev.telltale.embed.Watermarker.of(v2).newSession(ids, 0, 2);
    for (int i = 2; i < ids.length; i++) {
      int t;
      do {
        t = r.nextInt(vocab);
      } while (!session.isGreen(t)); // a hard watermark: every token green under v2
      ids[i] = t;
      session.accept(t);
    }
    assertTrue(detector(v2).detectTokens(ids, 0, ids.length).pValue() < 1e-30);
    assertTrue(detector(v1).detectTokens(ids, 0, ids.length).pValue() > 1e-4);
  }

  private static Detector detector(WatermarkKey key) {
    return Detector.of(
        key,
        dev.telltale.text.Tokenizers.cl100kBase(),
        dev.telltale.detect.DetectionPolicy.defaults());
  }
}
