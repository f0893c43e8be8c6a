package dev.telltale.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.evidence.EnvelopeReader;
import dev.telltale.evidence.EvidenceStatement;
import dev.telltale.testdata.SamplingParams;
import dev.telltale.testdata.TeacherGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code /v1/detect} with a configured reference corpus for the spoofing check ({@code
 * detection.spread_reference}: the defender's own unwatermarked outputs): spoofs the stealing
 * attack built for the KGW key are flagged whenever they reach the verdict, genuine watermarked
 * text is not, and the evidence's command names the reference for a re-run.
 */
class SpreadCheckServiceTest extends ServiceTestBase {
  static Path reference;

  @Override
  Map<String, String> databaseSettings(Path dir) {
    return Map.of();
  }

  @Override
  Map<String, String> extraSettings() {
    try {
      reference = Files.createTempDirectory("spread").resolve("own-outputs.jsonl");
      TeacherGenerator teacher = TeacherGenerator.defaultTeacher();
      StringBuilder sb = new StringBuilder();
      ObjectMapper m = new ObjectMapper();
      List<int[]> prompts = teacher.heldOutPrompts(100, 8);
      // More outputs than the thief learnt from (150): the reference must cover what it could
      // learn.
      for (int i = 0; i < 300; i++) {
        String t =
            teacher.generate(prompts.get(i % 100), 200, SamplingParams.defaults(), 7000 + i).text();
        sb.append(m.writeValueAsString(Map.of("text", t))).append('\n');
      }
      Files.writeString(reference, sb.toString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return Map.of("detection.spread_reference", reference.toString());
  }

  @Test
  void spoofsAreFlaggedGenuineTextIsNotAndTheReferenceIsRecorded() throws Exception {
    String inv = newToken(Role.INVESTIGATOR);
    int detected = 0;
    for (String spoof : Fixtures.spoofedTexts()) {
      JsonNode j = json(post("/v1/detect", inv, Map.of("text", spoof)));
      assertTrue(j.get("spread_check").get("reference").asText().startsWith("corpus:"));
      if ("watermarked".equals(j.get("verdict").asText())) {
        detected++;
        assertTrue(j.get("spread_check").get("flagged").asBoolean(), j::toString);
      }
    }
    // Spoofing works (so the check has something to flag); the figure is in the README.
    assertTrue(detected > 0, "no spoof reached the verdict");
    JsonNode genuine =
        json(post("/v1/detect?evidence=true", inv, Map.of("text", Fixtures.watermarkedText())));
    assertEquals("watermarked", genuine.get("verdict").asText());
    assertFalse(genuine.get("spread_check").get("flagged").asBoolean(), genuine::toString);
    EvidenceStatement st =
        EnvelopeReader.statement(
            EnvelopeReader.parse(
                MAPPER.writeValueAsBytes(genuine.get("evidence").get("envelope"))));
    List<String> command = st.command();
    int at = command.indexOf("--spread-reference");
    assertTrue(at >= 0, command::toString);
    assertEquals("own-outputs.jsonl", command.get(at + 1));
    JsonNode recorded = st.result().get("spread_check");
    assertEquals(genuine.get("spread_check").get("reference"), recorded.get("reference"));
    assertEquals(
        genuine.get("spread_check").get("log10_rare_p_value").asDouble(),
        recorded.get("log10_rare_p_value").asDouble());
  }
}
