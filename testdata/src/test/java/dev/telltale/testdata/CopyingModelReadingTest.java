package dev.telltale.testdata;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.embed.Watermarker;
import dev.telltale.forensics.radioactivity.RadioactivityResult;
import dev.telltale.forensics.radioactivity.RadioactivityTest;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Reading mode and an innocent model that copies from its context ({@link ContextCopyingModel}):
 * read over six 2,000-token watermarked teacher texts, it must not look radioactive. Scoring every
 * position called it radioactive (the token after a repeated window was pushed towards that
 * window's green list the first time, and the copier predicts it); scoring only each window's first
 * occurrence in a reading leaves nothing for it to copy. The uniformity over many keys is in {@link
 * RadioactivityKeyNullTest}.
 */
class CopyingModelReadingTest {
  @Test
  void aModelThatCopiesFromItsContextIsNotRadioactive() {
    TeacherGenerator teacher = TeacherGenerator.defaultTeacher();
    WatermarkKey key =
        NullCalibrationTest.randomKey(new SplittableRandom(1212), GreenListParameters.defaults());
    Watermarker ours = Watermarker.of(key);
    List<int[]> openings = teacher.heldOutPrompts(6, 16);
    ContextCopyingModel copier =
        new ContextCopyingModel(
            key.parameters().contextWidth(), TeacherGenerator.CL100K_ORDINARY_IDS);
    List<RadioactivityTest.Reading> readings =
        IntStream.range(0, 6)
            .parallel()
            .mapToObj(
                i -> {
                  int[] text =
                      teacher
                          .generate(
                              openings.get(i), 2_000, SamplingParams.defaults(), 40L + i, ours)
                          .tokens();
                  return new RadioactivityTest.Reading(text, copier.predictions(text, 90L + i));
                })
            .toList();
    RadioactivityResult r =
        RadioactivityTest.of(key, RadioactivityTest.Options.strict(), Optional.empty())
            .readingMode(readings);
    System.out.printf(
        "copying model, six 2,000-token readings: %d positions, %d repeated windows skipped,"
            + " %d scored, green %.4f, p %.3g (log10 %.2f)%n",
        r.positions(),
        r.skippedRepeatedWindows(),
        r.scoredTuples(),
        r.share(),
        r.p().pValue(),
        r.p().log10PValue());
    assertTrue(r.validTest());
    assertTrue(r.scoredTuples() > 3_000, "scored " + r.scoredTuples());
    assertTrue(r.p().log10PValue() > -3, "copying model looks radioactive: " + r.p());
  }
}
