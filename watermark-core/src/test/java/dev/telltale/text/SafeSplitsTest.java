package dev.telltale.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.telltale.TestGenerators;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Tokenising in chunks cut at {@link SafeSplits} gives cl100k_base and o200k_base exactly the ids
 * of the whole text, on random text built to put letters next to everything a cut could meet
 * (contractions, marks, digits, line breaks, other scripts' letters and punctuation); a deadline
 * stops chunked tokenising between chunks. Real English text is checked in the testdata module
 * ({@code ChunkedTokenizingPropertyTest}).
 */
class SafeSplitsTest {
  /** Pieces that meet at a cut: words of several scripts and everything that may follow one. */
  private static final List<String> PIECES =
      List.of(
          "word",
          "Word",
          "WORD",
          "a",
          "I",
          "naïve",
          "cafe\u0301",
          "Ωμέγα",
          "слово",
          "שלום",
          "كلمة",
          "शब्द",
          "ひらがな",
          "漢字",
          "한국어",
          "ǅ",
          "ʰ",
          "\uD835\uDC00",
          "'s",
          "'S",
          "'t",
          "'re",
          "'ve",
          "'m",
          "'ll",
          "'d",
          "'",
          "’s",
          "\u0301",
          "\u0903",
          "\u20DD",
          " ",
          "  ",
          "\t",
          "\n",
          "\r\n",
          "\r",
          " \n",
          "\u00A0",
          "\u3000",
          "\u2028",
          ",",
          ".",
          "!",
          "?",
          ";",
          ":",
          "-",
          "_",
          "/",
          "(",
          ")",
          "\"",
          "，",
          "。",
          "、",
          "1",
          "23",
          "4567",
          "٣",
          "Ⅻ",
          "½",
          "😀",
          "\u200D",
          "\uFE0F",
          "$",
          "@",
          "#",
          "…",
          "—");

  static Gen<String> cuttableText() {
    @SuppressWarnings("unchecked")
    Gen<String> piece =
        Generate.frequency(
            Pair.of(8, arbitrary().pick(PIECES)), Pair.of(1, TestGenerators.unicodeStrings(3)));
    return lists().of(piece).ofSizeBetween(0, 60).map(l -> String.join("", l));
  }

  @ParameterizedTest
  @ValueSource(strings = {Tokenizers.CL100K_BASE, Tokenizers.O200K_BASE})
  void chunksCutAtSafePlacesGiveTheWholeTextsIds(String name) {
    Tokenizer t = Tokenizers.byName(name);
    qt().withFixedSeed(1313 + name.hashCode())
        .withExamples(3000)
        .forAll(cuttableText(), integers().between(1, 40))
        .checkAssert(
            (text, chunk) ->
                assertArrayEquals(
                    t.encode(text),
                    SafeSplits.encodeInChunks(text, chunk, Deadline.NONE, t::encode),
                    () -> name + " chunks of " + chunk + " in " + escape(text)));
  }

  @ParameterizedTest
  @ValueSource(strings = {Tokenizers.CL100K_BASE, Tokenizers.O200K_BASE})
  void everyCutOfArbitraryUnicodeKeepsTheIds(String name) {
    Tokenizer t = Tokenizers.byName(name);
    // A chunk of one character cuts at every safe place there is.
    qt().withFixedSeed(1717 + name.hashCode())
        .withExamples(2000)
        .forAll(TestGenerators.unicodeStrings(80))
        .checkAssert(
            text ->
                assertArrayEquals(
                    t.encode(text),
                    SafeSplits.encodeInChunks(text, 1, Deadline.NONE, t::encode),
                    () -> name + " in " + escape(text)));
  }

  @Test
  void theTokenizerEncodesWithADeadlineAsWithout() {
    for (String name : List.of(Tokenizers.CL100K_BASE, Tokenizers.O200K_BASE)) {
      Tokenizer t = Tokenizers.byName(name);
      String text = "The committee's report, adopted today: 12 votes for. ".repeat(2000);
      assertTrue(text.length() > 4 * SafeSplits.CHUNK_CHARS);
      assertArrayEquals(t.encode(text), t.encode(text, Deadline.wallClock(Duration.ofHours(1))));
    }
  }

  @Test
  void cutsAreNeitherTooFewNorUnsafe() {
    // English has a safe place after nearly every word.
    String english = "Madam President, on a point of order. I would like to say that it's fine.";
    assertEquals(5, SafeSplits.nextCut(english, 0));
    assertEquals(15, SafeSplits.nextCut(english, 6));
    // Before an apostrophe the cut is unsafe: o200k keeps a contraction with its word.
    int apostrophe = english.indexOf("'s");
    assertFalse(SafeSplits.isSafeCut(english, apostrophe));
    Tokenizer o200k = Tokenizers.o200kBase();
    String it = "it's";
    int[] cutThere = concat(o200k.encode(it.substring(0, 2)), o200k.encode(it.substring(2)));
    assertFalse(Arrays.equals(o200k.encode(it), cutThere), "the apostrophe rule is needed");
    // Nor before a combining mark (o200k takes marks into a word), a digit or a line break.
    assertFalse(SafeSplits.isSafeCut("cafe\u0301", 4));
    assertFalse(SafeSplits.isSafeCut("abc1", 3));
    assertFalse(SafeSplits.isSafeCut("abc\n", 3));
    // A text without a safe place is tokenised whole.
    assertEquals(6, SafeSplits.nextCut("漢字漢字漢字", 1));
  }

  @Test
  void aDeadlineStopsChunkedTokenisingBetweenChunks() {
    Tokenizer t = Tokenizers.cl100kBase();
    String text = "plain words and more words ".repeat(4000);
    assertThrows(DeadlineExceededException.class, () -> t.encode(text, () -> true));
    AtomicInteger checks = new AtomicInteger();
    int[] ids = t.encode(text, () -> checks.incrementAndGet() > 1_000_000);
    assertArrayEquals(t.encode(text), ids);
    // Once before the first chunk and after each one.
    assertTrue(checks.get() > text.length() / SafeSplits.CHUNK_CHARS, "checks " + checks);
    AtomicInteger budget = new AtomicInteger(3);
    assertThrows(
        DeadlineExceededException.class,
        () -> t.encode(text, () -> budget.decrementAndGet() < 0),
        "stopped after the third chunk");
  }

  @Test
  void aThreadCpuDeadlinePassesOnlyWhenTheThreadWorks() throws Exception {
    Deadline d = Deadline.threadCpu(Duration.ofMillis(20));
    Thread.sleep(60); // sleeping costs no CPU time
    assertFalse(d.passed());
    long x = 0;
    long end = System.nanoTime() + 10_000_000_000L;
    while (!d.passed() && System.nanoTime() < end) {
      x += x * 31 + 7;
    }
    assertTrue(d.passed(), "spun " + x);
    assertFalse(Deadline.NONE.passed());
  }

  private static int[] concat(int[] a, int[] b) {
    int[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  private static String escape(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints()
        .forEach(
            cp -> {
              if (cp >= 0x20 && cp < 0x7F) {
                b.append((char) cp);
              } else {
                b.append(String.format("\\u{%X}", cp));
              }
            });
    return b.toString();
  }
}
