package dev.telltale.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.telltale.TestKeys;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.text.NormalForm;
import dev.telltale.text.Tokenizer;
import dev.telltale.text.Tokenizers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FormTokensTest {
  static final Tokenizer TOK = Tokenizers.cl100kBase();
  static final WatermarkKey KEY = TestKeys.key(0xf0f0, GreenListParameters.defaults());
  static final String[] PIECES = {
    "the", " report", ".", "\n", "\n\n", "  ", " ", "\u200b", "h\u0430s", "\u00a0", "Line", "\t"
  };

  @Test
  void plainTextIsOneSequenceAndLineBreaksAreKeptByHardenedLines() {
    assertEquals(1, FormTokens.encode(TOK, "A plain sentence.", FormTokens.DEFAULT_FAMILY).size());
    String lines = "First line\n  indented\u200b line";
    List<FormTokens> f = FormTokens.encode(TOK, lines, FormTokens.DEFAULT_FAMILY);
    assertEquals(3, f.size());
    assertEquals("First line\n  indented line", NormalForm.HARDENED_LINES.apply(lines));
    assertEquals("First line indented line", NormalForm.HARDENED.apply(lines));
  }

  @Test
  void theSearchIsTheSmallestDecisivePTimesTheDistinctSequences() {
    Detector d = Detector.of(KEY, TOK, DetectionPolicy.defaults());
    qt().withFixedSeed(0x4E0F_0001L)
        .withExamples(60)
        .forAll(lists().of(integers().between(0, PIECES.length - 1)).ofSizeBetween(1, 40))
        .checkAssert(
            idx -> {
              StringBuilder sb = new StringBuilder();
              for (int i : idx) {
                sb.append(PIECES[i]);
              }
              String text = sb.toString();
              List<FormTokens> forms = FormTokens.encode(TOK, text, FormTokens.family(true));
              Set<List<Integer>> distinct = new HashSet<>();
              double min = 0;
              for (FormTokens f : forms) {
                List<Integer> ids = new ArrayList<>();
                Arrays.stream(f.ids()).forEach(ids::add);
                distinct.add(ids);
                min = Math.min(min, d.detectTokens(f.ids(), 0, f.ids().length).log10PValue());
              }
              assertEquals(forms.size(), distinct.size());
              Detection det = d.detectForms(forms);
              assertEquals(forms.size(), det.formsTried());
              double expected = Math.min(0, min + Math.log10(forms.size()));
              assertEquals(expected, det.decisive().log10PValue(), 1e-9);
              assertTrue(det.normalForm().isPresent());
            });
  }
}
