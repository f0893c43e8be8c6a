package dev.telltale.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.TestKeys;
import dev.telltale.key.KeyId;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.VllmDedup;
import dev.telltale.scheme.VllmGumbelParameters;
import dev.telltale.scheme.VllmSbwParameters;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The dedup block of a statement: the unit of each key tested, by scheme and scope. */
class DedupUnitTest {
  static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
  static final WatermarkKey KGW = TestKeys.key(1, GreenListParameters.defaults());
  static final WatermarkKey GUMBEL =
      WatermarkKey.ofVllm(
          KeyId.of("vllm-gumbel"),
          new VllmGumbelParameters(4, VllmDedup.SINGLE_TURN, OptionalInt.empty(), true),
          5L,
          T);
  static final WatermarkKey GUMBEL_NO_DEDUP =
      WatermarkKey.ofVllm(
          KeyId.of("vllm-gumbel-all"),
          new VllmGumbelParameters(4, VllmDedup.SINGLE_TURN, OptionalInt.empty(), false),
          5L,
          T);
  static final WatermarkKey SBW =
      WatermarkKey.ofVllm(
          KeyId.of("vllm-sbw"),
          new VllmSbwParameters(2, VllmDedup.SINGLE_TURN, OptionalInt.empty(), true, 0.5, 2.0),
          7L,
          T);

  @Test
  void everyKeyTestedHasItsOwnUnitAndUnitIsTheNamedKeys() {
    ObjectNode b = DedupUnit.block(DedupUnit.Scope.CORPUS, true, SBW, List.of(KGW, GUMBEL, SBW));
    assertEquals("corpus", b.get("scope").asText());
    assertEquals(true, b.get("enabled").asBoolean());
    assertEquals("effective seed and token (vLLM sbw)", b.get("unit").asText());
    assertEquals(3, b.get("units").size());
    assertEquals(KGW.id().value(), b.get("units").get(0).get("key_id").asText());
    assertEquals(DedupUnit.CONTEXT_AND_TOKEN, b.get("units").get(0).get("unit").asText());
    assertEquals("vllm-gumbel", b.get("units").get(1).get("key_id").asText());
    assertEquals(
        "context within a document, context and token across documents (vLLM gumbel)",
        b.get("units").get(1).get("unit").asText());
    assertEquals("effective seed and token (vLLM sbw)", b.get("units").get(2).get("unit").asText());
  }

  @Test
  void theUnitFollowsWhatEachTestDeduplicates() {
    for (DedupUnit.Scope s : DedupUnit.Scope.values()) {
      assertEquals(DedupUnit.CONTEXT_AND_TOKEN, DedupUnit.of(KGW.parameters(), s));
      assertEquals("effective seed and token (vLLM sbw)", DedupUnit.of(SBW.parameters(), s));
      // Without vLLM's detection dedup only the (context, token) fingerprint is deduplicated.
      assertEquals(
          "context and token (vLLM gumbel)", DedupUnit.of(GUMBEL_NO_DEDUP.parameters(), s));
    }
    assertEquals("context (vLLM gumbel)", DedupUnit.of(GUMBEL.parameters()));
    // A radioactivity run's one tape holds (context, token) fingerprints, no context rule.
    assertEquals(
        "context and token (vLLM gumbel)", DedupUnit.of(GUMBEL.parameters(), DedupUnit.Scope.RUN));
  }
}
