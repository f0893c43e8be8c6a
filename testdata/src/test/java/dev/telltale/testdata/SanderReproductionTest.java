package dev.telltale.testdata;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.embed.Watermarker;
import dev.telltale.forensics.radioactivity.RadioactivityResult;
import dev.telltale.forensics.radioactivity.RadioactivityTest;
import dev.telltale.forensics.radioactivity.WindowFilter;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Reproduces at small scale the radioactivity table of Sander et al. (2024), "Watermarking Makes
 * Language Models Radioactive": log10 p by rho and context width h, without deduplication and the
 * prompt filter (invalid), with deduplication only, with both (the strict test), and with the
 * supervised window filter. Minutes of generation, so it runs only with {@code
 * -Dtelltale.reproduce=true}; its printed table is the one in the README.
 */
@EnabledIfSystemProperty(named = "telltale.reproduce", matches = "true")
class SanderReproductionTest {
  @Test
  void table() throws IOException {
    StringBuilder table = new StringBuilder();
    table.append("| h | rho | no dedup, no prompt filter | dedup only | dedup + prompt filter |");
    table.append(" + supervised filter |\n|---|---|---|---|---|---|\n");
    for (int h : new int[] {1, 2, 4}) {
      WatermarkKey key =
          NullCalibrationTest.randomKey(
              new SplittableRandom(900 + h), GreenListParameters.builder().contextWidth(h).build());
      Watermarker w = Watermarker.of(key);
      // The sizes the README's table was measured at: zero-bit outputs of 200 tokens (the demo's
      // served outputs before they carried account payloads and grew to 400 tokens).
      DistillationStory.Config d = DistillationStory.Config.demo(100 + h);
      DistillationStory.Config c =
          new DistillationStory.Config(
              d.accounts(),
              d.perAccount(),
              200,
              d.studentTokens(),
              d.prompts(),
              d.promptTokens(),
              d.markedPromptTokens(),
              d.answerTokens(),
              d.echo(),
              d.rhos(),
              d.publishedEvery(),
              d.filterMinCount(),
              d.seed());
      DistillationStory.Outcome o =
          DistillationStory.run(
              key, a -> w, c, Files.createTempDirectory("sander"), System.out::println);
      long served = o.harvest().stream().mapToLong(hv -> hv.output().length).sum();
      WindowFilter filter =
          WindowFilter.fromReference(
              key,
              DistillationStory.referenceText(
                  new DistillationSimulator(
                          TeacherGenerator.defaultTeacher(), SamplingParams.defaults())
                      .humanDocuments(),
                  served),
              c.filterMinCount());
      for (DistillationStory.Student s : o.students()) {
        double naive = test(key, false, RadioactivityTest.PromptFilter.NONE, null, s);
        double dedup = test(key, true, RadioactivityTest.PromptFilter.NONE, null, s);
        double strict = test(key, true, RadioactivityTest.PromptFilter.OWN_PROMPT, null, s);
        double sup = test(key, true, RadioactivityTest.PromptFilter.OWN_PROMPT, filter, s);
        table.append(
            String.format(
                "| %d | %s | %s | %s | %s | %s |%n",
                h,
                s.rho() == 0.01 ? "1%" : String.format("%.0f%%", 100 * s.rho()),
                fmt(naive),
                fmt(dedup),
                fmt(strict),
                fmt(sup)));
        if (s.rho() == 0) {
          assertTrue(strict > -6, "strict test of the untainted student at h " + h);
        }
      }
      System.out.print(table);
    }
    System.out.println("SANDER TABLE\n" + table);
  }

  private static double test(
      WatermarkKey key,
      boolean dedup,
      RadioactivityTest.PromptFilter pf,
      WindowFilter filter,
      DistillationStory.Student s) {
    RadioactivityResult r =
        RadioactivityTest.of(
                key, new RadioactivityTest.Options(dedup, pf), Optional.ofNullable(filter))
            .closedModel(s.exchanges());
    return r.p().log10PValue();
  }

  private static String fmt(double log10) {
    return log10 > -2 ? String.format("%.2f", Math.pow(10, log10)) : String.format("1e%.0f", log10);
  }
}
