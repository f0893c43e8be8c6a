package dev.telltale.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.text.Tokenizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Telltale's pure-Java tokenizers give the ids of the Hugging Face tokenizers library itself, and
 * decode as it does, for the four real model tokenizers: on the whole held-out English Europarl
 * split, on the other languages of the Europarl line file (a deterministic sample of one line in
 * {@value #OTHER_LANGUAGE_STRIDE} in CI; every line with {@code -Dtelltale.tokenizers.full=true})
 * and on an edge-case set.
 */
class ModelTokenizerOracleTest {
  static final int OTHER_LANGUAGE_STRIDE = 25;
  static final boolean FULL = Boolean.getBoolean("telltale.tokenizers.full");

  static List<String> names() {
    return ModelTokenizers.NAMES;
  }

  /** Bodies of the line file's non-English lines, verbatim (not whitespace-normalised). */
  static List<String> otherLanguageLines() {
    List<String> out = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(
                    EuroparlCorpus.class.getResourceAsStream(EuroparlCorpus.RESOURCE), 1 << 16),
                StandardCharsets.UTF_8))) {
      String line;
      int index = 0;
      while ((line = r.readLine()) != null) {
        int t1 = line.indexOf('\t');
        int t2 = t1 < 0 ? -1 : line.indexOf('\t', t1 + 1);
        if (t2 < 0) {
          continue;
        }
        String body = line.substring(t2 + 1);
        if (EuroparlCorpus.isEnglish(EuroparlCorpus.normalise(body))) {
          continue;
        }
        if (FULL || index++ % OTHER_LANGUAGE_STRIDE == 0) {
          out.add(body);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static final List<String> EDGE_CASES =
      List.of(
          "",
          " ",
          "  ",
          "\n",
          "\n\n\n",
          "\r\n\r\n",
          "\t\t x",
          "a",
          "Hello world",
          " Hello world ",
          "Hello   world\n\n  again   ",
          "it's I'M we'Re they'VE she'll he'd 'S",
          "don't ſtop 'ſ",
          "👨‍👩‍👧‍👦 family, 👍🏽 thumbs, 🏳️‍🌈 flag, ❤️ heart",
          "e\u0301 a\u0308 n\u0303 (combining) Ǻ\u0323\u0302",
          "\u1100\u1161\u11A8 (conjoining jamo) 한국어 텍스트",
          "日本語のテキストです。中文文本，还有标点。",
          "עברית טקסט ومعه نص عربي 123 ١٢٣",
          "\u202Eright-to-left override\u202C \u200F\u200E",
          "control \u0000 \u0001 \u0007 \u001B[31m \u007F \u0085 \u2028 \u2029",
          "nbsp\u00A0thin\u2009ideographic\u3000space",
          " ".repeat(100) + "x" + "\n".repeat(50) + "y" + "\t ".repeat(30),
          "1234567890".repeat(20),
          "3.14159 2,718 1e-9 0x1F 007 ½ ² ⅷ ١٢٣ ४५६",
          "Pneumonoultramicroscopicsilicovolcanoconiosis".repeat(30),
          "a".repeat(5000),
          "😀".repeat(300),
          "lone \uD800 high and \uDC00 low and \uDBFF\uDFFF paired",
          "\uFEFF BOM \uFFFD replacement \uFFFE noncharacter",
          "<|begin_of_text|> <|endoftext|> <|im_start|>user <s> </s> <bos> <eos> <unk> <pad>",
          "<unused0> <mask> [multimodal] <tool_call> </think> <|fim_prefix|>",
          "<0x41> <0xFF> ▁▁ ▁x Ġx Ċ",
          "Straße ΣΊΣΥΦΟΣ İstanbul ǅ ﬁ ﬀ Å Ω",
          "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟙𝟚𝟛 𐐀𐐨",
          "x\u0300\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308\u0309\u030A",
          "tab\tend. Comma, semicolon; colon: question? exclamation! (parens) [brackets] {braces}",
          "https://example.com/path?q=1&r=2#frag user@example.org",
          "    def f(x):\n        return x  # comment\n",
          "ÅÄÖ åäö ÆØ æø ÇĞŞ çğş",
          "ー\u30FCー 〜 ～ ･ ･･･");

  @ParameterizedTest(name = "{0}")
  @MethodSource("names")
  void heldOutEnglishGivesTheOraclesIds(String name) {
    List<String> texts = EuroparlCorpus.load().heldOut();
    assertTrue(texts.size() > 300, "held-out documents " + texts.size());
    check(name, "held-out English", texts);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("names")
  void otherEuroparlLanguagesGiveTheOraclesIds(String name) {
    List<String> texts = otherLanguageLines();
    assertTrue(texts.size() > (FULL ? 10_000 : 400), "other-language lines " + texts.size());
    check(name, "other languages", texts);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("names")
  void edgeCasesGiveTheOraclesIds(String name) {
    check(name, "edge cases", EDGE_CASES);
  }

  private static void check(String name, String set, List<String> texts) {
    Tokenizer tokenizer = ModelTokenizers.telltale(name);
    long tokens = 0;
    long chars = 0;
    for (int i = 0; i < texts.size(); i++) {
      String text = texts.get(i);
      int[] expected = ModelTokenizers.oracleIds(name, text);
      int[] actual = tokenizer.encode(text);
      if (!Arrays.equals(expected, actual)) {
        int k = 0;
        while (k < Math.min(expected.length, actual.length) && expected[k] == actual[k]) {
          k++;
        }
        assertEquals(
            Arrays.toString(Arrays.copyOfRange(expected, k, Math.min(expected.length, k + 8))),
            Arrays.toString(Arrays.copyOfRange(actual, k, Math.min(actual.length, k + 8))),
            name + " " + set + " text " + i + " differs from the oracle at token " + k);
      }
      assertEquals(
          ModelTokenizers.oracleDecode(name, actual),
          tokenizer.decode(actual),
          name + " " + set + " text " + i + ": decode differs from the oracle");
      tokens += actual.length;
      chars += text.length();
    }
    System.out.printf(
        "tokenizer oracle %s %s: %d texts, %d chars, %d tokens identical%n",
        name, set, texts.size(), chars, tokens);
  }
}
