package dev.telltale.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;

import dev.telltale.TestKeys;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.scheme.PrfVersion;
import dev.telltale.text.AttackedTexts;
import dev.telltale.text.NormalForm;
import dev.telltale.text.Tokenizer;
import dev.telltale.text.Tokenizers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fast form search (forms normalised together, tokenised with shared pieces, scored with shared
 * fingerprints and one tape) gives what the plain search gives: each form applied to the text and
 * tokenised in full, each distinct id sequence tested alone.
 */
class FormSearchEquivalenceTest {
  static final List<WatermarkKey> KEYS =
      List.of(
          TestKeys.key(0x51, GreenListParameters.defaults()),
          TestKeys.key(0x52, GreenListParameters.builder().contextWidth(4).build(), PrfVersion.V1),
          TestKeys.key(0x53, GreenListParameters.builder().selfHash(true).build()),
          TestKeys.key(0x54, GumbelParameters.defaults()),
          TestKeys.key(0x55, GumbelParameters.builder().contextWidth(1).build(), PrfVersion.V1),
          TestKeys.key(0x56, GumbelParameters.builder().robustContext(true).build()));

  /** The search as it was: every form applied and tokenised in full. */
  static List<FormTokens> plainForms(Tokenizer t, String text, List<NormalForm> family) {
    Map<String, NormalForm> byString = new LinkedHashMap<>();
    for (NormalForm f : family) {
      byString.putIfAbsent(f.apply(text), f);
    }
    List<FormTokens> out = new ArrayList<>();
    for (Map.Entry<String, NormalForm> e : byString.entrySet()) {
      int[] ids = t.encode(e.getKey());
      if (out.stream().noneMatch(x -> Arrays.equals(x.ids(), ids))) {
        out.add(new FormTokens(e.getValue(), ids));
      }
    }
    return out;
  }

  /** Each form tested alone by detectTokens, the smallest decisive p-value kept. */
  static Detection plainSearch(Detector d, List<FormTokens> forms) {
    Detection best = null;
    NormalForm bestForm = null;
    for (FormTokens f : forms) {
      Detection x = d.detectTokens(f.ids(), 0, f.ids().length);
      if (best == null || x.decisive().log10PValue() < best.decisive().log10PValue()) {
        best = x;
        bestForm = f.form();
      }
    }
    return best.withNormalForm(bestForm, forms.size(), d.policy().alpha());
  }

  static void check(String text) {
    for (String name : List.of(Tokenizers.CL100K_BASE, Tokenizers.O200K_BASE)) {
      Tokenizer t = Tokenizers.byName(name);
      for (boolean caseFolded : new boolean[] {false, true}) {
        List<NormalForm> family = FormTokens.family(caseFolded);
        List<FormTokens> fast = FormTokens.encode(t, text, family);
        List<FormTokens> plain = plainForms(t, text, family);
        assertEquals(plain.size(), fast.size(), () -> "forms of " + text);
        for (int k = 0; k < plain.size(); k++) {
          assertEquals(plain.get(k).form(), fast.get(k).form());
          assertArrayEquals(plain.get(k).ids(), fast.get(k).ids(), () -> "ids of " + text);
        }
        for (WatermarkKey key : KEYS) {
          for (boolean window : new boolean[] {false, true}) {
            Detector d = Detector.of(key, t, DetectionPolicy.defaults().withWindow(window));
            assertEquals(plainSearch(d, plain), d.detectForms(fast), () -> key + " on " + text);
          }
        }
      }
    }
  }

  @Test
  void attackedTextsGetThePlainSearchResult() {
    qt().withFixedSeed(0xF0A5_0001L)
        .withExamples(150)
        .forAll(AttackedTexts.texts(80))
        .checkAssert(FormSearchEquivalenceTest::check);
  }

  @Test
  void longAttackedTextsGetThePlainSearchResult() {
    qt().withFixedSeed(0xF0A5_0002L)
        .withExamples(25)
        .forAll(AttackedTexts.longTexts())
        .checkAssert(FormSearchEquivalenceTest::check);
  }
}
