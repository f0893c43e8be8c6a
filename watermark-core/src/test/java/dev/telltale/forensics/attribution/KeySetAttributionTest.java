package dev.telltale.forensics.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.TestKeys;
import dev.telltale.embed.Watermarker;
import dev.telltale.forensics.attribution.DocumentAttribution.Outcome;
import dev.telltale.key.KeySet;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.PayloadParameters;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Attribution over a key set's payload keys and its one JSON form. */
class KeySetAttributionTest {
  static final WatermarkKey PLAIN = TestKeys.key(40, GreenListParameters.defaults());
  static final WatermarkKey A = AttributionTest.payloadKey(41, PayloadParameters.defaults());
  static final WatermarkKey B = AttributionTest.payloadKey(42, PayloadParameters.defaults());

  @Test
  void onlyPayloadKeysTakePartAndTheKeyWhoseGatePassesDecodes() {
    KeySet set = KeySet.of(PLAIN.id(), List.of(PLAIN, A, B));
    assertEquals(List.of(A, B), KeySetAttribution.payloadKeys(set));
    KeySetAttribution run =
        KeySetAttribution.of(
            KeySetAttribution.payloadKeys(set), AttributionTest.TOKENIZER, 1e-3, 1e-6, 4);
    SplittableRandom r = new SplittableRandom(9);
    int[] underB = AttributionTest.generate(Watermarker.forAccount(B, 777), 2500, r);
    DocumentAttribution d = run.attributeTokens(underB, 0, underB.length);
    assertEquals(B.id(), d.zeroBit().keyId());
    assertEquals(Outcome.ATTRIBUTED, d.outcome(), d.toString());
    assertEquals(777, d.account().getAsLong());
    // Each key's gate runs at detect_alpha / 2; the answer reports the level asked for.
    assertEquals(1e-6, run.detectAlpha());

    int[] plain = AttributionTest.generate(null, 800, r);
    DocumentAttribution p = run.attributeTokens(plain, 0, plain.length);
    assertEquals(Outcome.NOT_WATERMARKED, p.outcome());

    CorpusAttribution corpus = run.combine(List.of(d, p));
    ObjectNode json = AttributionJson.of(run, List.of("b", "plain"), corpus);
    assertEquals(1e-3, json.get("alpha").asDouble());
    assertEquals(AttributionJson.CORRECTION, json.get("correction").asText());
    JsonNode docs = json.get("documents");
    assertEquals("b", docs.get(0).get("document").asText());
    assertEquals(777, docs.get(0).get("account").asLong());
    assertEquals(B.id().value(), docs.get(0).get("key_id").asText());
    assertTrue(docs.get(0).get("candidates").size() <= 4);
    assertTrue(docs.get(1).get("account").isNull());
    assertEquals(1, json.get("accounts").size());
    assertEquals(777, json.get("accounts").get(0).get("account").asLong());
    assertThrows(
        IllegalArgumentException.class, () -> AttributionJson.of(run, List.of("b"), corpus));
  }

  @Test
  void noPayloadKeyOrABadLevelIsRefusedWithAMessage() {
    IllegalArgumentException none =
        assertThrows(
            IllegalArgumentException.class,
            () -> KeySetAttribution.of(List.of(), AttributionTest.TOKENIZER, 1e-3, 1e-6, 5));
    assertTrue(none.getMessage().contains("payload"), none.getMessage());
    IllegalArgumentException plain =
        assertThrows(
            IllegalArgumentException.class,
            () -> KeySetAttribution.of(List.of(PLAIN), AttributionTest.TOKENIZER, 1e-3, 1e-6, 5));
    assertTrue(plain.getMessage().contains(PLAIN.id().value()), plain.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> KeySetAttribution.of(List.of(A), AttributionTest.TOKENIZER, 2.0, 1e-6, 5));
  }
}
