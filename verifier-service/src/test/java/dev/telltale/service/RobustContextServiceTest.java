package dev.telltale.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telltale.embed.Watermarker;
import dev.telltale.evidence.EnvelopeReader;
import dev.telltale.key.KeyId;
import dev.telltale.key.KeySet;
import dev.telltale.key.SecretAccess;
import dev.telltale.key.SecretBytes;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.testdata.SamplingParams;
import dev.telltale.testdata.TeacherGenerator;
import dev.telltale.testdata.attack.EmojiAttack;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The service with a robust-context key: text made under the emoji attack (markers after every
 * word, deleted afterwards) is detected from the key alone, evidence records the option, and
 * radioactivity follows it.
 */
class RobustContextServiceTest extends ServiceTestBase {
  static final WatermarkKey ROBUST =
      WatermarkKey.of(
          KeyId.of("gumbel-robust"),
          GumbelParameters.builder().robustContext(true).build(),
          SecretBytes.copyOf(new byte[32], SecretAccess.get()),
          Instant.parse("2026-01-01T00:00:00Z"));

  static String emojiText;

  @Override
  Map<String, String> databaseSettings(Path dir) {
    return Map.of();
  }

  @Override
  KeySet keySet() {
    return KeySet.of(ROBUST.id(), List.of(ROBUST, Fixtures.KGW)).withSigningKey(Fixtures.SIG);
  }

  @BeforeAll
  static void generate() {
    TeacherGenerator teacher = TeacherGenerator.defaultTeacher();
    int[] prompt = teacher.heldOutPrompts(3, 8).get(2);
    emojiText =
        new EmojiAttack(teacher, EmojiAttack.MARKER)
            .generate(
                prompt,
                200,
                SamplingParams.defaults(),
                7,
                Watermarker.of(ROBUST, teacher.tokenizer()));
  }

  @Test
  void emojiAttackedTextIsDetectedAndTheStatementRecordsTheOption() throws Exception {
    HttpResponse<Buffer> r =
        post("/v1/detect?evidence=true", newToken(Role.INVESTIGATOR), Map.of("text", emojiText));
    assertEquals(200, r.statusCode(), r::bodyAsString);
    JsonNode j = json(r);
    assertEquals("gumbel-robust", j.get("key_id").asText(), j::toString);
    assertEquals("watermarked", j.get("verdict").asText(), j::toString);
    assertTrue(j.get("log10_p_value").asDouble() < -6, j::toString);
    JsonNode st =
        MAPPER.readTree(
            EnvelopeReader.parse(MAPPER.writeValueAsBytes(j.get("evidence").get("envelope")))
                .payload());
    JsonNode parameters = st.get("predicate").get("key").get("parameters");
    assertTrue(parameters.get("robust_context").asBoolean(), parameters::toString);
  }

  @Test
  void radioactivityFollowsTheKey() throws Exception {
    List<Map<String, String>> answers = new ArrayList<>();
    answers.add(Map.of("prompt", "Tell me about the session.", "answer", emojiText));
    HttpResponse<Buffer> r =
        post(
            "/v1/radioactivity",
            newToken(Role.INVESTIGATOR),
            Map.of("answers", answers, "key_id", "gumbel-robust"));
    assertEquals(200, r.statusCode(), r::bodyAsString);
    assertEquals("radioactive", json(r).get("verdict").asText(), r::bodyAsString);
  }
}
