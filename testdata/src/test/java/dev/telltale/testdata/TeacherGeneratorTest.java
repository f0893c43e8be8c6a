package dev.telltale.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.embed.WatermarkSession;
import dev.telltale.embed.Watermarker;
import dev.telltale.key.KeyId;
import dev.telltale.key.SecretAccess;
import dev.telltale.key.SecretBytes;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.scheme.WatermarkParameters;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TeacherGeneratorTest {
  private static final TeacherGenerator TEACHER = TeacherGenerator.defaultTeacher();

  private static Watermarker watermarker(WatermarkParameters params) {
    byte[] secret = new byte[WatermarkKey.SECRET_LENGTH];
    for (int i = 0; i < secret.length; i++) {
      secret[i] = (byte) (17 * i + 3);
    }
    return Watermarker.of(
        WatermarkKey.of(
            KeyId.of("test-key"),
            params,
            SecretBytes.copyOf(secret, SecretAccess.get()),
            Instant.parse("2026-01-01T00:00:00Z")));
  }

  @Test
  void sameSeedSameText() {
    int[] prompt = TEACHER.prompt("Mr President, ladies and gentlemen, the Commission", 8);
    SamplingParams p = SamplingParams.defaults();
    Generation a = TEACHER.generate(prompt, 60, p, 42);
    Generation b = TEACHER.generate(prompt, 60, p, 42);
    Generation c = TEACHER.generate(prompt, 60, p, 43);
    assertEquals(a, b);
    assertNotEquals(a, c);
    assertEquals(60, a.length());
    Watermarker gumbel = watermarker(GumbelParameters.defaults());
    assertEquals(
        TEACHER.generate(prompt, 60, p, 7, gumbel), TEACHER.generate(prompt, 60, p, 7, gumbel));
  }

  @Test
  void generatedTextLooksEnglishAndHasNoSpecialTokens() {
    Generation g =
        TEACHER.generate("The European Parliament", 200, SamplingParams.defaults(), 1, null);
    System.out.println("sample: " + g.text());
    assertFalse(g.text().contains("\uFFFD"));
    // No round-trip check: an n-gram teacher may emit a non-canonical segmentation.
    assertTrue(g.text().length() > 400, g.text());
    for (int t : g.tokens()) {
      assertTrue(t < TeacherGenerator.CL100K_ORDINARY_IDS);
    }
    int english = 0;
    for (String w : List.of(" the ", " of ", " and ", " to ")) {
      english += g.text().contains(w) ? 1 : 0;
    }
    assertTrue(english >= 3, g.text());
  }

  @Test
  void samplingSettingsAreHonoured() {
    int[] prompt = TEACHER.prompt("We must ensure that the", 8);
    for (SamplingParams p :
        List.of(
            new SamplingParams(0.7, 0, 0.9),
            new SamplingParams(1.3, 5, 0.8),
            new SamplingParams(1.0, 1, 1.0))) {
      Generation g = TEACHER.generate(prompt, 20, p, 3);
      assertEquals(20, g.length());
    }
    // Top-1 is greedy: the seed cannot matter.
    SamplingParams greedy = new SamplingParams(1.0, 1, 1.0);
    assertEquals(TEACHER.generate(prompt, 30, greedy, 1), TEACHER.generate(prompt, 30, greedy, 2));
    assertThrows(IllegalArgumentException.class, () -> new SamplingParams(0, 50, 1));
    assertThrows(IllegalArgumentException.class, () -> new SamplingParams(1, -1, 1));
    assertThrows(IllegalArgumentException.class, () -> new SamplingParams(1, 50, 0));
  }

  @Test
  void greenListKeyRaisesTheGreenShare() {
    Watermarker key = watermarker(GreenListParameters.defaults());
    List<int[]> prompts = TEACHER.heldOutPrompts(24, 8);
    SamplingParams p = SamplingParams.defaults();
    int tokens = 120;
    long t0 = System.nanoTime();
    double marked = greenShare(key, prompts, tokens, p, key);
    double seconds = (System.nanoTime() - t0) / 1e9;
    double plain = greenShare(key, prompts, tokens, p, null);
    System.out.printf(
        "generation: %.0f tokens/s watermarked; green share %.3f watermarked, %.3f plain%n",
        prompts.size() * tokens / seconds, marked, plain);
    assertTrue(marked > 0.4, "watermarked green share " + marked);
    assertTrue(Math.abs(plain - 0.25) < 0.05, "plain green share " + plain);
  }

  // Share of green tokens among scored positions, replaying each text with a fresh session.
  private static double greenShare(
      Watermarker key, List<int[]> prompts, int tokens, SamplingParams p, Watermarker embed) {
    long green = 0;
    long scored = 0;
    for (int i = 0; i < prompts.size(); i++) {
      int[] prompt = prompts.get(i);
      Generation g = TEACHER.generate(prompt, tokens, p, 1000 + i, embed);
      WatermarkSession replay = key.newSession(prompt, 0, prompt.length);
      for (int t : g.tokens()) {
        if (replay.watermarking()) {
          scored++;
          green += replay.isGreen(t) ? 1 : 0;
        }
        replay.accept(t);
      }
    }
    return green / (double) scored;
  }
}
