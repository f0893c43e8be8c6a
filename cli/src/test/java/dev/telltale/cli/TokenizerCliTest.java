package dev.telltale.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tokenize}, {@code --tokenizer FILE} in results, and key sets bound to a tokenizer ({@code
 * keys create --tokenizer}): detection with another tokenizer is refused unless overridden.
 */
class TokenizerCliTest {
  @TempDir Path dir;
  Path tokenizer;
  String sha256;

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

  @BeforeEach
  void writeTokenizer() throws Exception {
    tokenizer = dir.resolve("tokenizer.json");
    Files.writeString(tokenizer, byteLevelTokenizer());
    sha256 =
        HexFormat.of()
            .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(tokenizer)));
  }

  private Path write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  @Test
  void tokenizePrintsIdsAndIdentifiesTheFile() throws Exception {
    Path text = write("t.txt", "the <|eot|>");
    CliRun plain = CliRun.run("tokenize", "--tokenizer", tokenizer.toString(), text.toString());
    assertEquals(ExitCode.OK, plain.exitCode(), plain.err());
    // "the" merges; the special token is ordinary text: ' ', '<', '|', ...
    assertTrue(plain.out().startsWith("257 32 60 124 "), plain.out());
    CliRun json =
        CliRun.run("tokenize", "--json", "--tokenizer", tokenizer.toString(), text.toString());
    JsonNode o = new ObjectMapper().readTree(json.out());
    assertEquals(tokenizer.toString(), o.get("tokenizer").asText());
    assertEquals(sha256, o.get("tokenizer_sha256").asText());
    assertEquals(257, o.get("ids").get(0).asInt());
    CliRun decoded =
        CliRun.run(
            "tokenize",
            "--decode",
            "--tokenizer",
            tokenizer.toString(),
            write("ids.txt", "257, 32 258").toString());
    assertEquals(ExitCode.OK, decoded.exitCode(), decoded.err());
    assertEquals("the <|eot|>", decoded.out());
  }

  @Test
  void idsOutsideTheVocabularyAndBadFilesAreBadInput() throws Exception {
    CliRun r =
        CliRun.run(
            "tokenize",
            "--decode",
            "--tokenizer",
            tokenizer.toString(),
            write("ids.txt", "1 259").toString());
    assertEquals(ExitCode.BAD_INPUT, r.exitCode());
    assertTrue(r.err().contains("outside the vocabulary"), r.err());
    Path bad = write("bad.json", "{\"model\":{\"type\":\"Unigram\"}}");
    CliRun unsupported =
        CliRun.run("tokenize", "--tokenizer", bad.toString(), write("t.txt", "x").toString());
    assertEquals(ExitCode.BAD_INPUT, unsupported.exitCode());
    assertTrue(unsupported.err().contains("Unigram"), unsupported.err());
  }

  @Test
  void aKeySetBoundToATokenizerRefusesAnotherUnlessOverridden() throws Exception {
    Path keys = dir.resolve("keys.json");
    CliRun created =
        CliRun.run("keys", "create", "--out", keys.toString(), "--tokenizer", tokenizer.toString());
    assertEquals(ExitCode.OK, created.exitCode(), created.err());
    JsonNode file = new ObjectMapper().readTree(keys.toFile());
    assertEquals(sha256, file.get("tokenizer").get("sha256").asText());

    Path text =
        write(
            "t.txt",
            "The committee discussed the proposal at length and agreed to return to it in the"
                + " autumn, once the member states have submitted their comments on the draft.");
    CliRun refused = CliRun.run("detect", "--keys", keys.toString(), text.toString());
    assertEquals(ExitCode.BAD_INPUT, refused.exitCode());
    assertTrue(refused.err().contains("made for tokenizer"), refused.err());

    CliRun bound =
        CliRun.run(
            "detect",
            "--keys",
            keys.toString(),
            "--tokenizer",
            tokenizer.toString(),
            "--json",
            text.toString());
    assertEquals(ExitCode.NOT_DETECTED, bound.exitCode(), bound.err());
    JsonNode result = new ObjectMapper().readTree(bound.out());
    assertEquals(sha256, result.get("tokenizer_sha256").asText());

    CliRun overridden =
        CliRun.run(
            "detect", "--keys", keys.toString(), "--allow-tokenizer-mismatch", text.toString());
    assertEquals(ExitCode.NOT_DETECTED, overridden.exitCode(), overridden.err());

    // A copy of the same file elsewhere is the same tokenizer; an edited file is not.
    Path copy = dir.resolve("copy").resolve("tokenizer.json");
    Files.createDirectories(copy.getParent());
    Files.copy(tokenizer, copy);
    assertEquals(
        ExitCode.NOT_DETECTED,
        CliRun.run(
                "detect",
                "--keys",
                keys.toString(),
                "--tokenizer",
                copy.toString(),
                text.toString())
            .exitCode());
    Path edited = write("edited.json", byteLevelTokenizer().replace("\"t h\",", ""));
    CliRun other =
        CliRun.run(
            "detect", "--keys", keys.toString(), "--tokenizer", edited.toString(), text.toString());
    assertEquals(ExitCode.BAD_INPUT, other.exitCode());

    // Rotating keeps the record.
    assertEquals(ExitCode.OK, CliRun.run("keys", "rotate", "--keys", keys.toString()).exitCode());
    assertEquals(
        sha256, new ObjectMapper().readTree(keys.toFile()).get("tokenizer").get("sha256").asText());
  }

  @Test
  void aFindingRecordsTheTokenizerAndRerunCatchesAChangedFile() throws Exception {
    Path keys = dir.resolve("keys.json");
    assertEquals(ExitCode.OK, CliRun.run("keys", "create", "--out", keys.toString()).exitCode());
    Path pub = dir.resolve("keys.public.json");
    Files.writeString(pub, CliRun.run("keys", "public", "--keys", keys.toString()).out());
    Path text =
        write(
            "t.txt",
            "The committee discussed the proposal at length and agreed to return to it in the"
                + " autumn, once the member states have submitted their comments on the draft.");
    Path ev = dir.resolve("finding.json");
    CliRun det =
        CliRun.run(
            "detect",
            "--keys",
            keys.toString(),
            "--tokenizer",
            tokenizer.toString(),
            "--evidence",
            ev.toString(),
            text.toString());
    assertEquals(ExitCode.NOT_DETECTED, det.exitCode(), det.err());
    assertTrue(Files.readString(ev).length() > 0);
    String[] rerun = {
      "evidence",
      "verify",
      ev.toString(),
      "--public",
      pub.toString(),
      "--rerun",
      "--keys",
      keys.toString(),
      "--json"
    };
    CliRun same = CliRun.run(rerun);
    assertEquals(
        "VALID", new ObjectMapper().readTree(same.out()).get("status").asText(), same.err());
    Files.writeString(tokenizer, byteLevelTokenizer().replace("\"t h\",", ""));
    CliRun changed = CliRun.run(rerun);
    JsonNode status = new ObjectMapper().readTree(changed.out());
    assertEquals("RERUN_MISMATCH", status.get("status").asText(), changed.out());
    assertTrue(status.get("detail").asText().contains("tokenizer"), changed.out());
  }

  @Test
  void generateOverATokenizerFileDecodesItsIdsAndDetectsWithIt() throws Exception {
    Path keys = dir.resolve("keys.json");
    assertEquals(
        ExitCode.OK,
        CliRun.run("keys", "create", "--out", keys.toString(), "--tokenizer", tokenizer.toString())
            .exitCode());
    CliRun gen =
        CliRun.run(
            "generate",
            "--keys",
            keys.toString(),
            "--tokenizer",
            tokenizer.toString(),
            "--tokens",
            "300",
            "--seed",
            "5");
    assertEquals(ExitCode.OK, gen.exitCode(), gen.err());
    Path text = write("gen.txt", gen.out());
    CliRun det =
        CliRun.run(
            "detect",
            "--keys",
            keys.toString(),
            "--tokenizer",
            tokenizer.toString(),
            "--json",
            text.toString());
    assertEquals(ExitCode.OK, det.exitCode(), det.err() + det.out());
  }
}
