package dev.telltale.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.evidence.KeyCommitment;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.scheme.PayloadParameters;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The optional {@code robust_context} field of kgw and gumbel key entries. */
class KeySetFileRobustContextTest {
  private static final String SECRET =
      Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);

  private static String file(String keyFields) {
    return "{\"format\":\"telltale-keyset\",\"version\":1,\"primary\":\"a\",\"watermark_keys\":[{"
        + "\"id\":\"a\",\"created\":\"2026-01-01T00:00:00Z\",\"secret\":\""
        + SECRET
        + "\","
        + keyFields
        + "}]}";
  }

  private static KeySet parse(String keyFields) throws KeyFileException {
    return KeySetFile.parse(file(keyFields).getBytes(StandardCharsets.UTF_8), "t");
  }

  private static final String KGW =
      "\"scheme\":\"kgw\",\"gamma\":0.25,\"delta\":2.0,\"context_width\":2";
  private static final String GUMBEL = "\"scheme\":\"gumbel\",\"context_width\":2";

  @Test
  void absentMeansOrdinaryContextsAndIsWrittenBackWithoutTheField() throws Exception {
    KeySet kgw = parse(KGW);
    assertFalse(kgw.primary().parameters().robustContext());
    assertEquals(new GreenListParameters(0.25, 2.0, 2, false), kgw.primary().parameters());
    assertFalse(parse(GUMBEL).primary().parameters().robustContext());
    // An existing file reads and writes back as before: no new field appears.
    String written = new String(KeySetFile.serialize(kgw), StandardCharsets.UTF_8);
    assertFalse(written.contains("robust_context"), written);
    assertFalse(
        KeyCommitment.parametersJson(kgw.primary().parameters()).has("robust_context"),
        "statements of ordinary keys are unchanged");
  }

  @Test
  void robustContextRoundTripsForEachScheme() throws Exception {
    for (String fields :
        new String[] {
          KGW + ",\"robust_context\":true",
          GUMBEL + ",\"robust_context\":true",
          KGW + ",\"payload_bits\":16,\"robust_context\":true"
        }) {
      KeySet set = parse(fields);
      assertTrue(set.primary().parameters().robustContext(), fields);
      byte[] written = KeySetFile.serialize(set);
      assertTrue(new String(written, StandardCharsets.UTF_8).contains("\"robust_context\" : true"));
      assertEquals(set.primary(), KeySetFile.parse(written, "again").primary(), fields);
      assertTrue(
          KeyCommitment.parametersJson(set.primary().parameters())
              .get("robust_context")
              .booleanValue());
    }
    assertEquals(
        GreenListParameters.builder()
            .payload(PayloadParameters.ofBits(16))
            .robustContext(true)
            .build(),
        parse(KGW + ",\"payload_bits\":16,\"robust_context\":true").primary().parameters());
    assertEquals(
        new GumbelParameters(2, true),
        parse(GUMBEL + ",\"robust_context\":true").primary().parameters());
    assertFalse(parse(KGW + ",\"robust_context\":false").primary().parameters().robustContext());
  }

  @Test
  void robustAndOrdinaryKeysAreDifferentParameters() throws Exception {
    // The option changes every context, so it is part of the parameters' identity.
    assertFalse(
        parse(KGW)
            .primary()
            .parameters()
            .equals(parse(KGW + ",\"robust_context\":true").primary().parameters()));
    assertEquals(
        GumbelParameters.defaults().withRobustContext(true),
        GumbelParameters.builder().robustContext(true).build());
    assertEquals(
        GreenListParameters.defaults(),
        GreenListParameters.defaults().withRobustContext(true).withRobustContext(false));
  }

  @Test
  void aNonBooleanIsRefusedNamingTheField() {
    for (String bad : new String[] {"\"yes\"", "1", "null"}) {
      KeyFileException e =
          assertThrows(
              KeyFileException.class, () -> parse(KGW + ",\"robust_context\":" + bad), bad);
      assertTrue(e.getMessage().contains("robust_context"), e.getMessage());
      assertFalse(e.getMessage().contains(SECRET));
    }
  }
}
