package dev.telltale.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.evidence.EnvelopeReader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys made with {@code --robust-context}: the key file records it, {@code keys list} shows it, and
 * generation, detection and evidence follow it from the key with no detection flag.
 */
class RobustContextCliTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String MARKER = " \uD83D\uDE00";
  @TempDir static Path dir;
  static Path robust;
  static Path ordinary;

  @BeforeAll
  static void keys() {
    robust = dir.resolve("robust.json");
    ordinary = dir.resolve("ordinary.json");
    assertEquals(
        ExitCode.OK,
        CliRun.run("keys", "create", "--out", ordinary.toString(), "--id", "plain-ctx").exitCode());
    assertEquals(
        ExitCode.OK,
        CliRun.run(
                "keys",
                "create",
                "--out",
                robust.toString(),
                "--id",
                "g1",
                "--scheme",
                "gumbel",
                "--robust-context")
            .exitCode());
    CliRun rot =
        CliRun.run("keys", "rotate", "--keys", robust.toString(), "--id", "k2", "--robust-context");
    assertEquals(ExitCode.OK, rot.exitCode(), rot.err());
  }

  /** A generation under {@code keys}' primary, and the same text with a marker after each word. */
  static String[] generation(Path keys) {
    CliRun gen =
        CliRun.run("generate", "--keys", keys.toString(), "--tokens", "150", "--seed", "4");
    assertEquals(ExitCode.OK, gen.exitCode(), gen.err());
    String text = gen.out().strip();
    return new String[] {text, text.replace(" ", MARKER + " ")};
  }

  static JsonNode detect(Path keys, String text, String name) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, text);
    CliRun r = CliRun.run("detect", "--keys", keys.toString(), "--json", f.toString());
    return JSON.readTree(r.out());
  }

  @Test
  void theKeyFileRecordsItAndListShowsIt() throws Exception {
    JsonNode file = JSON.readTree(Files.readAllBytes(robust));
    for (JsonNode k : file.get("watermark_keys")) {
      assertTrue(k.get("robust_context").asBoolean(), k.get("id").asText());
    }
    assertFalse(Files.readString(ordinary).contains("robust_context"));
    CliRun list = CliRun.run("keys", "list", "--keys", robust.toString());
    assertEquals(ExitCode.OK, list.exitCode(), list.err());
    assertTrue(list.out().contains("gumbel h=2 robust-context"), list.out());
    assertTrue(list.out().contains("kgw gamma=0.25 delta=2.0 h=2 robust-context"), list.out());
    assertFalse(CliRun.run("keys", "list", "--keys", ordinary.toString()).out().contains("robust"));
  }

  @Test
  void detectFollowsTheKeyUnderTheEmojiAttack() throws Exception {
    String[] r = generation(robust);
    assertTrue(r[1].contains(MARKER));
    JsonNode clean = detect(robust, r[0], "robust-clean.txt");
    JsonNode attacked = detect(robust, r[1], "robust-attacked.txt");
    assertTrue(clean.get("log10_p_value").asDouble() < -6, clean.toString());
    // The markers never enter a context and are not scored: the same tuples, the same p-value.
    assertEquals(clean.get("scored_tokens"), attacked.get("scored_tokens"), attacked.toString());
    assertEquals(
        clean.get("log10_p_value").asDouble(), attacked.get("log10_p_value").asDouble(), 1e-9);
    // An ordinary key loses most of its signal to the same markers.
    String[] o = generation(ordinary);
    JsonNode oc = detect(ordinary, o[0], "ordinary-clean.txt");
    JsonNode oa = detect(ordinary, o[1], "ordinary-attacked.txt");
    assertTrue(oc.get("log10_p_value").asDouble() < -6, oc.toString());
    assertTrue(oa.get("log10_p_value").asDouble() > -3, oa.toString());
  }

  @Test
  void evidenceRecordsTheOption() throws Exception {
    String[] r = generation(robust);
    Path text = dir.resolve("evidence-text.txt");
    Files.writeString(text, r[1]);
    Path ev = dir.resolve("robust.evidence.json");
    CliRun d =
        CliRun.run(
            "detect", "--keys", robust.toString(), "--evidence", ev.toString(), text.toString());
    assertEquals(ExitCode.OK, d.exitCode(), d.err() + d.out());
    JsonNode key =
        JSON.readTree(EnvelopeReader.parse(Files.readAllBytes(ev)).payload())
            .get("predicate")
            .get("key");
    assertTrue(key.get("parameters").get("robust_context").asBoolean(), key.toString());
  }
}
