package dev.telltale.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.telltale.TestGenerators;
import dev.telltale.TestKeys;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.PayloadParameters;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** The optional account payload fields of kgw key entries. */
class KeySetFilePayloadTest {
  private static final String SECRET =
      Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);

  private static KeySet parse(String keyFields) throws KeyFileException {
    String json =
        "{\"format\":\"telltale-keyset\",\"version\":1,\"primary\":\"a\",\"watermark_keys\":[{"
            + "\"id\":\"a\",\"created\":\"2026-01-01T00:00:00Z\",\"secret\":\""
            + SECRET
            + "\","
            + keyFields
            + "}]}";
    return KeySetFile.parse(json.getBytes(StandardCharsets.UTF_8), "t");
  }

  private static String kgw(String extra) {
    return "\"scheme\":\"kgw\",\"gamma\":0.25,\"delta\":2.0,\"context_width\":2" + extra;
  }

  @Test
  void absentPayloadBitsMeansNoPayloadLayer() throws Exception {
    GreenListParameters g = (GreenListParameters) parse(kgw("")).primary().parameters();
    assertEquals(Optional.empty(), g.payload());
    assertEquals(new GreenListParameters(0.25, 2.0, 2, false), g);
  }

  @Test
  void payloadBitsAloneTakeTheDefaults() throws Exception {
    GreenListParameters g =
        (GreenListParameters) parse(kgw(",\"payload_bits\":24")).primary().parameters();
    assertEquals(Optional.of(PayloadParameters.ofBits(24)), g.payload());
    assertEquals(8, g.payload().orElseThrow().symbolBits());
    GreenListParameters odd =
        (GreenListParameters) parse(kgw(",\"payload_bits\":27")).primary().parameters();
    assertEquals(3, odd.payload().orElseThrow().symbolBits());
  }

  @Test
  void invalidPayloadFieldsAreRefusedNamingTheField() {
    String[][] cases = {
      {",\"payload_bits\":0", "payload bits"},
      {",\"payload_bits\":33", "payload bits"},
      {",\"payload_bits\":\"24\"", "'payload_bits'"},
      {",\"payload_bits\":24.5", "'payload_bits'"},
      {",\"payload_bits\":24,\"payload_symbol_bits\":5", "divide"},
      {",\"payload_bits\":24,\"payload_symbol_bits\":9", "symbol bits"},
      {",\"payload_bits\":24,\"payload_delta\":0", "payload delta"},
      {",\"payload_bits\":24,\"payload_delta\":true", "'payload_delta'"},
      {",\"payload_symbol_bits\":4", "without 'payload_bits'"},
      {",\"payload_delta\":2.0", "without 'payload_bits'"},
    };
    for (String[] c : cases) {
      KeyFileException e = assertThrows(KeyFileException.class, () -> parse(kgw(c[0])), c[0]);
      assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
      assertFalse(e.getMessage().contains(SECRET));
    }
    KeyFileException g =
        assertThrows(
            KeyFileException.class,
            () -> parse("\"scheme\":\"gumbel\",\"context_width\":2,\"payload_bits\":24"));
    assertTrue(g.getMessage().contains("'payload_bits'"), g.getMessage());
  }

  record Layout(int bits, int symbolBits, double delta, long seed) {}

  @Test
  void payloadParametersRoundTrip() {
    Gen<Layout> layouts =
        integers()
            .between(1, 32)
            .zip(integers().between(1, 8), doubles().between(0.01, 20), longs().all(), Layout::new);
    qt().withFixedSeed(0x9A71_0001L)
        .withExamples(200)
        .forAll(layouts)
        .checkAssert(l -> TestGenerators.unchecked(() -> roundTripsOrIsRefused(l)));
  }

  private static void roundTripsOrIsRefused(Layout l) throws Exception {
    if (l.bits() % l.symbolBits() != 0) {
      assertThrows(
          IllegalArgumentException.class,
          () -> new PayloadParameters(l.bits(), l.symbolBits(), l.delta()));
    } else {
      PayloadParameters p = new PayloadParameters(l.bits(), l.symbolBits(), l.delta());
      WatermarkKey k = TestKeys.key(l.seed(), GreenListParameters.builder().payload(p).build());
      KeySet back = KeySetFile.parse(KeySetFile.serialize(KeySet.single(k)), "round-trip");
      assertEquals(KeySet.single(k), back);
      assertEquals(Optional.of(p), ((GreenListParameters) back.primary().parameters()).payload());
    }
  }
}
