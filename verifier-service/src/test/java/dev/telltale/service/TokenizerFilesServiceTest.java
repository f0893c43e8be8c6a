package dev.telltale.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.detect.DetectionJson;
import dev.telltale.detect.DetectionPolicy;
import dev.telltale.detect.KeySetDetection;
import dev.telltale.detect.KeySetDetector;
import dev.telltale.evidence.Envelope;
import dev.telltale.evidence.EnvelopeReader;
import dev.telltale.evidence.EvidenceStatement;
import dev.telltale.text.Tokenizer;
import dev.telltale.text.Tokenizers;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code tokenizers.files}: a request names a configured {@code tokenizer.json} by its configured
 * name (never by a path), the answer equals {@code telltale detect --tokenizer FILE --json} (core's
 * {@link DetectionJson} with the file's SHA-256) and the evidence records a command that re-runs
 * with that file.
 */
class TokenizerFilesServiceTest extends ServiceTestBase {
  static final String NAME = "tiny.json";

  /** A byte-level tokenizer.json with the 256 byte tokens and two merges ("t h", "th e"). */
  static String byteLevelTokenizer() {
    StringBuilder vocab = new StringBuilder();
    int extra = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
      char c = printable ? (char) b : (char) (256 + extra++);
      String json = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : String.valueOf(c);
      vocab.append('"').append(json).append("\":").append(b).append(',');
    }
    vocab.append("\"th\":256,\"the\":257");
    return "{\"added_tokens\":[{\"id\":258,\"content\":\"<|eot|>\",\"special\":true}],"
        + "\"pre_tokenizer\":{\"type\":\"ByteLevel\",\"add_prefix_space\":false,\"use_regex\":true},"
        + "\"decoder\":{\"type\":\"ByteLevel\"},"
        + "\"model\":{\"type\":\"BPE\",\"vocab\":{"
        + vocab
        + "},\"merges\":[\"t h\",\"th e\"]}}";
  }

  Path file() {
    return dir.resolve("tokenizers").resolve("tiny-tokenizer.json");
  }

  @Override
  Map<String, String> databaseSettings(Path dir) {
    return Map.of();
  }

  @Override
  Map<String, String> extraSettings() {
    try {
      Files.createDirectories(file().getParent());
      Files.writeString(file(), byteLevelTokenizer());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return Map.of("tokenizers.files", NAME + "=" + file());
  }

  String sha256() throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file())));
  }

  @Test
  void aConfiguredFileDetectsAsTheCliDoesAndIsRecordedForARerun() throws Exception {
    String text = "the theme of the thesis is the other thing, then the end <|eot|>";
    ObjectNode req = MAPPER.createObjectNode().put("text", text).put("tokenizer", NAME);
    HttpResponse<Buffer> r = post("/v1/detect?evidence=true", newToken(Role.INVESTIGATOR), req);
    assertEquals(200, r.statusCode(), r::bodyAsString);
    ObjectNode answer = (ObjectNode) json(r);
    JsonNode ev = answer.remove("evidence");

    // What `telltale detect --tokenizer tiny.json --json` prints in the folder holding the file.
    Tokenizer cli = Tokenizers.byName(file().toString());
    KeySetDetection core =
        KeySetDetector.of(Fixtures.KEYS, cli, DetectionPolicy.defaults()).detectText(text);
    ObjectNode expected =
        VerifierApiTests.withSpread(
            DetectionJson.of(core, cli),
            core,
            Fixtures.KEYS,
            cli,
            DetectionPolicy.defaults(),
            VerifierApiTests.textIds(cli, text, core));
    expected.put("tokenizer", NAME);
    assertEquals(VerifierApiTests.roundTrip(expected), answer);
    assertEquals(sha256(), answer.get("tokenizer_sha256").asText());
    assertTrue(answer.get("tokens").asInt() > 10);

    Envelope env = EnvelopeReader.parse(MAPPER.writeValueAsBytes(ev.get("envelope")));
    EvidenceStatement st = EnvelopeReader.statement(env);
    assertEquals(sha256(), st.result().get("tokenizer_sha256").asText());
    List<String> command = st.command();
    int at = command.indexOf("--tokenizer");
    assertTrue(at >= 0, command::toString);
    assertEquals(NAME, command.get(at + 1), "the re-run names the file the re-verifier provides");
  }

  @Test
  void theServedDocumentAdmitsTheConfiguredName() throws Exception {
    JsonNode doc = json(get("/openapi.json", null));
    for (String schema : List.of("DetectRequest", "AttributionRequest", "RadioactivityRequest")) {
      JsonNode values = doc.at("/components/schemas/" + schema + "/properties/tokenizer/enum");
      assertEquals(
          List.of("cl100k_base", "o200k_base", NAME),
          MAPPER.convertValue(values, List.class),
          schema);
    }
  }

  @Test
  void attributionAndRadioactivityUseTheConfiguredFileToo() throws Exception {
    String inv = newToken(Role.INVESTIGATOR);
    String text = "the theme of the thesis is the other thing, then the end";
    HttpResponse<Buffer> a =
        post(
            "/v1/attribution",
            inv,
            MAPPER.createObjectNode().put("text", text).put("tokenizer", NAME));
    assertEquals(200, a.statusCode(), a::bodyAsString);
    assertEquals(NAME, json(a).get("tokenizer").asText());
    assertEquals(sha256(), json(a).get("tokenizer_sha256").asText());
    ObjectNode req = MAPPER.createObjectNode().put("tokenizer", NAME);
    req.putArray("answers").addObject().put("prompt", "Go on.").put("answer", text);
    HttpResponse<Buffer> r = post("/v1/radioactivity", inv, req);
    assertEquals(200, r.statusCode(), r::bodyAsString);
    assertEquals(NAME, json(r).get("tokenizer").asText());
    assertEquals(sha256(), json(r).get("tokenizer_sha256").asText());
    for (String path : List.of("/v1/attribution", "/v1/radioactivity")) {
      ObjectNode bad =
          (path.endsWith("attribution")
              ? MAPPER.createObjectNode().put("text", text)
              : req.deepCopy());
      bad.put("tokenizer", file().toString());
      assertProblem(post(path, inv, bad), 400, "schema-violation");
    }
  }

  @Test
  void anUnknownNameOrAPathIsRefusedWithoutReadingIt() throws Exception {
    String inv = newToken(Role.INVESTIGATOR);
    for (String t :
        List.of(
            "other.json",
            file().toString(),
            "tokenizers/tiny-tokenizer.json",
            "../" + NAME,
            "tiny")) {
      HttpResponse<Buffer> r =
          post(
              "/v1/detect",
              inv,
              MAPPER.createObjectNode().put("text", "the text").put("tokenizer", t));
      assertProblem(r, 400, "schema-violation");
    }
    // The built-in names still work.
    HttpResponse<Buffer> ok =
        post(
            "/v1/detect",
            inv,
            MAPPER.createObjectNode().put("text", "the text").put("tokenizer", "o200k_base"));
    assertEquals(200, ok.statusCode(), ok::bodyAsString);
    assertTrue(!json(ok).has("tokenizer_sha256"));
  }

  @Test
  void theEngineItselfRefusesAnythingNotConfigured() {
    ServiceTokenizers t = ServiceTokenizers.load(NAME + "=" + file());
    assertEquals(NAME, t.get(NAME).name());
    ProblemException e = assertThrows(ProblemException.class, () -> t.get(file().toString()));
    assertEquals(400, e.status());
    assertTrue(e.getMessage().contains(NAME), e.getMessage());
  }

  @Test
  void badSettingsAreClearStartupErrors() {
    for (String bad :
        List.of(
            "tiny.json",
            "cl100k_base=/x.json",
            "../up.json=/x.json",
            "dir/a.json=/x.json",
            "a.json=/x.json,a.json=/y.json")) {
      assertThrows(
          ConfigException.class,
          () -> ServiceConfig.defaultsOnly().with(Map.of("tokenizers.files", bad)),
          bad);
    }
    ConfigException missing =
        assertThrows(
            ConfigException.class,
            () -> ServiceTokenizers.load("a.json=" + dir.resolve("missing.json")));
    assertTrue(missing.getMessage().contains("a.json"), missing.getMessage());
  }
}
