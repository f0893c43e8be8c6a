package dev.telltale.forensics.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JSONL document whose text escapes half of a surrogate pair is counted as malformed with its
 * line number, like the service's JSON routes refuse it; a proper pair, escaped or not, is text.
 */
class JsonlLoneSurrogateTest {
  @TempDir Path dir;

  @Test
  void loneSurrogatesAreMalformedLinesAndPairsAreText() throws Exception {
    Path p = dir.resolve("c.jsonl");
    Files.writeString(
        p,
        String.join(
            "\n",
            "{\"text\":\"first\"}",
            "{\"text\":\"high \\ud800 alone\"}",
            "{\"text\":\"low \\udc00 alone\"}",
            "{\"text\":\"reversed \\udc00\\ud800\"}",
            "{\"text\":\"pair \\ud83d\\ude00 escaped\"}",
            "{\"text\":\"pair \uD83D\uDE00 raw\"}",
            "{\"text\":\"trailing \\ud83d\"}"),
        StandardCharsets.UTF_8);
    List<Document> docs = new ArrayList<>();
    try (CorpusFiles f = new CorpusFiles(List.of(p), "text")) {
      for (Optional<Document> d = f.next(); d.isPresent(); d = f.next()) {
        docs.add(d.get());
      }
      assertEquals(
          List.of("first", "pair \uD83D\uDE00 escaped", "pair \uD83D\uDE00 raw"),
          docs.stream().map(Document::text).toList());
      assertEquals(4, f.malformedCount());
      assertEquals(List.of(2L, 3L, 4L, 7L), f.malformed().stream().map(m -> m.line()).toList());
      assertTrue(f.malformed().get(0).reason().contains("lone surrogate"));
    }
  }

  @Test
  void theCheckFindsEveryUnpairedHalf() {
    assertFalse(CorpusFiles.hasLoneSurrogate(""));
    assertFalse(CorpusFiles.hasLoneSurrogate("a\uD83D\uDE00b"));
    assertTrue(CorpusFiles.hasLoneSurrogate("\uD83D"));
    assertTrue(CorpusFiles.hasLoneSurrogate("\uDE00\uD83D"));
    assertTrue(CorpusFiles.hasLoneSurrogate("x\uDE00"));
    assertTrue(CorpusFiles.hasLoneSurrogate("\uD83D\uD83D\uDE00"));
  }
}
