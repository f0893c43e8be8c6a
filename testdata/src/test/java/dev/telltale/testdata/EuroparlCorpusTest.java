package dev.telltale.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.text.Tokenizer;
import dev.telltale.text.Tokenizers;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EuroparlCorpusTest {
  private final EuroparlCorpus corpus = EuroparlCorpus.load();

  @Test
  void keepsTheEnglishLinesOnly() {
    int english = corpus.train().size() + corpus.heldOut().size();
    System.out.printf(
        "europarl: %d lines read, %d English (%d train, %d held out)%n",
        corpus.linesRead(), english, corpus.train().size(), corpus.heldOut().size());
    assertEquals(17_597, corpus.linesRead());
    // Measured: 1,268 distinct English bodies; the other languages score far below the cut-off.
    assertTrue(english > 1_200 && english < 1_350, "English documents: " + english);
    for (String doc : corpus.english()) {
      assertTrue(EuroparlCorpus.isEnglish(doc), doc);
      assertFalse(doc.contains("  "), "whitespace runs are normalised");
    }
  }

  @Test
  void rejectsOtherLanguages() {
    assertFalse(
        EuroparlCorpus.isEnglish(
            "Invitiamo dunque la Commissione a sottoporre nuove proposte intese a combattere in"
                + " modo efficace la discriminazione basata sul sesso."));
    assertFalse(
        EuroparlCorpus.isEnglish(
            "Det er tider, hvor det neoliberale projekt åbenbart er i færd med at bryde sammen, og"
                + " det er for tidligt at fastlægge."));
    assertTrue(
        EuroparlCorpus.isEnglish(
            "I would like to make a few important points. Firstly, it is important that Russia"
                + " holds the elections in five days."));
  }

  @Test
  void splitIsDeterministicAndDisjoint() {
    Set<String> train = new HashSet<>(corpus.train());
    for (String doc : corpus.heldOut()) {
      assertFalse(train.contains(doc));
      assertTrue(EuroparlCorpus.isHeldOut(doc));
    }
    for (String doc : corpus.train()) {
      assertFalse(EuroparlCorpus.isHeldOut(doc));
    }
    double share = corpus.heldOut().size() / (double) corpus.english().size();
    assertTrue(share > 0.28 && share < 0.38, "held-out share " + share);
  }

  @Test
  void heldOutYieldsEnoughCalibrationPassages() {
    Tokenizer tok = Tokenizers.cl100kBase();
    List<String> passages = corpus.heldOutPassages(tok, 150, 400);
    System.out.printf("europarl: %d held-out passages of 150-400 tokens%n", passages.size());
    assertTrue(passages.size() >= 200, "passages: " + passages.size());
    for (String p : passages) {
      int n = tok.encode(p).length;
      assertTrue(n >= 150 && n <= 400, "tokens " + n);
      assertTrue(Character.isUpperCase(p.codePointAt(0)) || !Character.isLetter(p.charAt(0)), p);
    }
    List<String> byChars = corpus.heldOutPassages(600, 1800);
    assertFalse(byChars.isEmpty());
    byChars.forEach(p -> assertTrue(p.length() >= 600 && p.length() <= 1800));
  }
}
