package dev.telltale.text.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.text.Tokenizer;
import dev.telltale.text.Tokenizers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hand-written byte-level and a SentencePiece-style tokenizer.json: merges by rank, byte
 * fallback, special tokens as text, identification by SHA-256, clear errors. The real model
 * tokenizers are checked against the Hugging Face library in the testdata module.
 */
class HfTokenizerTest {
  @TempDir Path dir;

  /** Bytes map to themselves for printable ASCII; 'Ġ' is the space. */
  static String byteLevelJson(String extraModel) {
    StringBuilder vocab = new StringBuilder();
    for (int b = 0; b < 256; b++) {
      String c = String.valueOf(ByteLevelAlphabet.charOf(b));
      String json = c.equals("\"") ? "\\\"" : c.equals("\\") ? "\\\\" : c;
      vocab.append('"').append(json).append("\":").append(b).append(',');
    }
    vocab.append("\"ab\":256,\"abc\":257,\"Ġa\":258,\"bc\":259");
    return "{\"added_tokens\":[{\"id\":260,\"content\":\"<|end|>\",\"special\":true},"
        + "{\"id\":261,\"content\":\"<tool>\",\"special\":false}],"
        + "\"normalizer\":null,"
        + "\"pre_tokenizer\":{\"type\":\"ByteLevel\",\"add_prefix_space\":false,\"use_regex\":true},"
        + "\"decoder\":{\"type\":\"ByteLevel\"},"
        + "\"model\":{\"type\":\"BPE\",\"dropout\":null,\"unk_token\":null,"
        + extraModel
        + "\"vocab\":{"
        + vocab
        + "},\"merges\":[\"b c\",\"a b\",\"ab c\",\"Ġ a\"]}}";
  }

  static final String SENTENCEPIECE =
      "{\"added_tokens\":[{\"id\":0,\"content\":\"<unk>\",\"special\":true},"
          + "{\"id\":1,\"content\":\"<s>\",\"special\":true}],"
          + "\"normalizer\":{\"type\":\"Sequence\",\"normalizers\":["
          + "{\"type\":\"Prepend\",\"prepend\":\"▁\"},"
          + "{\"type\":\"Replace\",\"pattern\":{\"String\":\" \"},\"content\":\"▁\"}]},"
          + "\"pre_tokenizer\":null,"
          + "\"decoder\":{\"type\":\"Sequence\",\"decoders\":["
          + "{\"type\":\"Replace\",\"pattern\":{\"String\":\"▁\"},\"content\":\" \"},"
          + "{\"type\":\"ByteFallback\"},{\"type\":\"Fuse\"},"
          + "{\"type\":\"Strip\",\"content\":\" \",\"start\":1,\"stop\":0}]},"
          + "\"model\":{\"type\":\"BPE\",\"unk_token\":\"<unk>\",\"fuse_unk\":true,"
          + "\"byte_fallback\":true,\"vocab\":{\"<unk>\":0,\"<s>\":1,"
          + "\"<0xC3>\":2,\"<0xA9>\":3,\"▁\":4,\"h\":5,\"i\":6,\"▁h\":7,\"▁hi\":8,\"<\":9,\"s\":10,"
          + "\">\":11},\"merges\":[\"▁ h\",\"▁h i\"]}}";

  Path write(String name, String json) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, json, StandardCharsets.UTF_8);
    return p;
  }

  @Test
  void byteLevelMergesByRankAndMatchesOnlyNonSpecialAddedTokens() throws IOException {
    HfTokenizer t = HfTokenizer.load("tiny", write("tiny.json", byteLevelJson("")));
    // "abc": b c (rank 0) first, then no "a bc" merge: [a, bc]; " a" merges by rank 3.
    assertArrayEquals(new int[] {'a', 259}, t.encode("abc"));
    assertArrayEquals(new int[] {'x', 258}, t.encode("x a"));
    // The special token is text; the non-special one is matched.
    int[] withSpecial = t.encode("<|end|>");
    assertEquals('<', withSpecial[0]);
    assertTrue(withSpecial.length > 1);
    assertArrayEquals(new int[] {'x', 261, 'y'}, t.encode("x<tool>y"));
    assertEquals("x<tool>y a<|end|>", t.decode(t.encode("x<tool>y a<|end|>")));
    assertEquals("<|end|>", t.decode(new int[] {260}));
    assertEquals(262, t.vocabSize());
  }

  @Test
  void ignoreMergesTakesAWholeWordFromTheVocabulary() throws IOException {
    HfTokenizer t =
        HfTokenizer.load("tiny-ignore", write("ti.json", byteLevelJson("\"ignore_merges\":true,")));
    assertArrayEquals(new int[] {257}, t.encode("abc"));
  }

  @Test
  void sentencePieceStyleUsesByteFallbackAndStripsThePrependedSpace() throws IOException {
    HfTokenizer t = HfTokenizer.load("sp", write("sp.json", SENTENCEPIECE));
    assertArrayEquals(new int[] {8}, t.encode("hi"));
    assertArrayEquals(new int[] {8, 4, 2, 3}, t.encode("hi é"));
    // No byte token for 'z' (0x7A): unknown, and consecutive unknowns fuse.
    assertArrayEquals(new int[] {8, 4, 0}, t.encode("hi zz"));
    assertEquals("hi é", t.decode(t.encode("hi é")));
    // "<s>" is text: '<', 's', '>' — not the control id 1.
    assertArrayEquals(new int[] {4, 9, 10, 11}, t.encode("<s>"));
    assertArrayEquals(new int[0], t.encode(""));
  }

  @Test
  void idsOutsideTheVocabularyAreAClearError() throws IOException {
    HfTokenizer t = HfTokenizer.load("sp", write("sp.json", SENTENCEPIECE));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> t.decode(new int[] {5, 12}));
    assertTrue(e.getMessage().contains("outside the vocabulary"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> t.decode(new int[] {-1}));
  }

  @Test
  void unsupportedComponentsAreRefusedNotGuessed() throws IOException {
    String wordPiece = SENTENCEPIECE.replace("\"type\":\"BPE\"", "\"type\":\"WordPiece\"");
    assertThrows(
        UnsupportedTokenizerException.class,
        () -> HfTokenizer.load("w", write("w.json", wordPiece)));
    String metaspace =
        SENTENCEPIECE.replace(
            "\"pre_tokenizer\":null", "\"pre_tokenizer\":{\"type\":\"Metaspace\"}");
    assertThrows(
        UnsupportedTokenizerException.class,
        () -> HfTokenizer.load("m", write("m.json", metaspace)));
    String dropout = SENTENCEPIECE.replace("\"fuse_unk\":true", "\"dropout\":0.1");
    assertThrows(
        UnsupportedTokenizerException.class, () -> HfTokenizer.load("d", write("d.json", dropout)));
    String badMerge = SENTENCEPIECE.replace("\"▁h i\"", "\"▁h q\"");
    assertThrows(
        UnsupportedTokenizerException.class,
        () -> HfTokenizer.load("b", write("b.json", badMerge)));
    assertThrows(
        UnsupportedTokenizerException.class,
        () -> HfTokenizer.load("j", write("j.json", "{\"model\":")));
  }

  @Test
  void byNameLoadsAPathOnceAndIdentifiesItBySha256() throws Exception {
    Path p = write("tokenizer.json", SENTENCEPIECE);
    Tokenizer a = Tokenizers.byName(p.toString());
    Tokenizer b = Tokenizers.byName(p.toString());
    String sha =
        HexFormat.of()
            .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    assertEquals(sha, a.fileSha256().orElseThrow());
    assertEquals(p.toString(), a.name());
    assertSame(a, b);
    assertTrue(Tokenizers.cl100kBase().fileSha256().isEmpty());
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> Tokenizers.byName(dir.resolve("absent.json").toString()));
    assertTrue(missing.getMessage().contains("absent.json"));
  }
}
