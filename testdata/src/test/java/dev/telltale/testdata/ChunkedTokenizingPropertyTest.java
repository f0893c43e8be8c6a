package dev.telltale.testdata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.telltale.text.Deadline;
import dev.telltale.text.DeadlineExceededException;
import dev.telltale.text.DetectionNormalizer;
import dev.telltale.text.SafeSplits;
import dev.telltale.text.Tokenizer;
import dev.telltale.text.Tokenizers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tokenising with a deadline changes no id on real text: for cl100k_base and o200k_base, chunks cut
 * at every kind of {@link SafeSplits} place in Europarl documents (as detection normalises them)
 * give the whole text's ids; for the real tokenizer.json files (Llama 3, Qwen 3, Gemma 3, Llama 2),
 * which check the deadline between pre-tokenizer pieces, the ids equal those without a deadline on
 * real and random text, and a deadline that has passed stops them.
 */
class ChunkedTokenizingPropertyTest {
  private static final Deadline FAR = Deadline.wallClock(Duration.ofDays(1));

  static List<String> names() {
    return ModelTokenizers.NAMES;
  }

  private static List<String> documents() {
    return EuroparlCorpus.load().english();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {Tokenizers.CL100K_BASE, Tokenizers.O200K_BASE})
  void realDocumentsInChunksGiveTheWholeTextsIds(String name) {
    Tokenizer t = Tokenizers.byName(name);
    List<String> docs = documents();
    qt().withFixedSeed(2026 + name.hashCode())
        .withExamples(300)
        .forAll(integers().between(0, docs.size() - 1), integers().between(1, 300))
        .checkAssert(
            (doc, chunk) -> {
              String text = DetectionNormalizer.normalize(docs.get(doc));
              assertArrayEquals(
                  t.encode(text),
                  SafeSplits.encodeInChunks(text, chunk, Deadline.NONE, t::encode),
                  () -> name + ": document " + doc + " in chunks of " + chunk);
            });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("names")
  void modelTokenizersGiveTheSameIdsWithADeadline(String name) {
    Tokenizer t = ModelTokenizers.telltale(name);
    qt().withFixedSeed(99 + name.hashCode())
        .withExamples(300)
        .forAll(ModelTokenizerPropertyTest.unicodeText())
        .checkAssert(text -> assertArrayEquals(t.encode(text), t.encode(text, FAR), name));
    List<String> docs = documents();
    qt().withFixedSeed(98 + name.hashCode())
        .withExamples(100)
        .forAll(integers().between(0, docs.size() - 1))
        .checkAssert(
            doc -> {
              String text = DetectionNormalizer.normalize(docs.get(doc));
              assertArrayEquals(t.encode(text), t.encode(text, FAR), name + " document " + doc);
            });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("names")
  void aPassedDeadlineStopsAModelTokenizer(String name) {
    Tokenizer t = ModelTokenizers.telltale(name);
    String text = String.join(" ", documents().subList(0, 40));
    assertThrows(DeadlineExceededException.class, () -> t.encode(text, () -> true));
    AtomicInteger checks = new AtomicInteger();
    assertArrayEquals(t.encode(text), t.encode(text, () -> checks.incrementAndGet() < 0));
    // Llama 2 and Gemma 3 have no pre-tokenizer (one piece): checked before and after only.
    int expected = name.equals("llama2") || name.equals("gemma3") ? 2 : text.length() / 4096;
    assertTrue(checks.get() >= expected, name + ": " + checks + " checks");
  }
}
