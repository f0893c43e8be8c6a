package dev.telltale.testdata;

import dev.telltale.embed.Watermarker;
import dev.telltale.forensics.CorpusScan;
import dev.telltale.forensics.Document;
import dev.telltale.forensics.DocumentSource;
import dev.telltale.forensics.RadioactivityResult;
import dev.telltale.forensics.RadioactivityTest;
import dev.telltale.forensics.ScanListener;
import dev.telltale.forensics.ScanResult;
import dev.telltale.forensics.WindowFilter;
import dev.telltale.key.KeySet;
import dev.telltale.key.WatermarkKey;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * The whole distillation story, end to end and seeded: the teacher serves watermarked outputs to
 * many accounts; a rival harvests them and distils students at several rho; the investigator
 * queries every student with fresh (watermarked) prompts and runs the radioactivity test; and a
 * corpus scan finds the harvested documents the rival published inside a larger human corpus. The
 * demo command prints it, and the tests assert its thresholds.
 */
public final class DistillationStory {
  /**
   * Sizes of the story.
   *
   * @param accounts accounts harvesting
   * @param perAccount outputs each account receives
   * @param outputTokens tokens per output
   * @param studentTokens training tokens of every student (share rho from the harvest)
   * @param prompts investigator's queries per student
   * @param promptTokens human tokens starting each query, continued by {@code markedPromptTokens}
   *     watermarked teacher tokens (queries made of our own text, as Sander et al. do)
   * @param markedPromptTokens watermarked tokens in each query
   * @param answerTokens tokens of each answer
   * @param echo the students' copy weight (see {@link PromptEchoModel})
   * @param rhos the students' shares of harvested text
   * @param publishedEvery every this-many-th harvested output is published into the scanned corpus
   * @param filterMinCount how often a window must occur in the served outputs to be scored by the
   *     supervised test
   * @param seed master seed
   */
  public record Config(
      int accounts,
      int perAccount,
      int outputTokens,
      long studentTokens,
      int prompts,
      int promptTokens,
      int markedPromptTokens,
      int answerTokens,
      double echo,
      List<Double> rhos,
      int publishedEvery,
      int filterMinCount,
      long seed) {
    public Config {
      rhos = List.copyOf(rhos);
    }

    /** Small sizes for smoke tests: seconds, with weak statistics. */
    public static Config quick(long seed) {
      return new Config(
          10, 4, 100, 4_000, 40, 16, 16, 60, 0.4, List.of(0.0, 0.01, 0.1, 1.0), 4, 2, seed);
    }

    /** The demo's sizes: about a minute of generation on 2 cores. */
    public static Config demo(long seed) {
      return new Config(
          50, 10, 200, 100_000, 400, 16, 32, 160, 0.4, List.of(0.0, 0.01, 0.1, 1.0), 5, 2, seed);
    }
  }

  /**
   * One distilled student and the investigator's radioactivity tests of it.
   *
   * @param rho share of harvested text in the student's training data
   * @param test the strict test: one global tape, the query's own prompt windows skipped
   * @param supervised the same, restricted to windows frequent in the outputs we served
   */
  public record Student(
      double rho,
      RadioactivityResult test,
      RadioactivityResult supervised,
      List<RadioactivityTest.Exchange> exchanges) {}

  /**
   * The corpus scan.
   *
   * @param result the scan's summary
   * @param published harvested outputs published into the corpus
   * @param human human documents in the corpus
   * @param publishedFound published outputs among the suspects
   * @param humanFlagged human documents among the suspects (false discoveries)
   * @param corpus the scanned corpus, in order
   */
  public record Scan(
      ScanResult result,
      int published,
      int human,
      int publishedFound,
      int humanFlagged,
      List<Document> corpus) {}

  /** Everything the story produced. */
  public record Outcome(
      List<DistillationSimulator.Harvested> harvest, List<Student> students, Scan scan) {}

  private DistillationStory() {}

  /**
   * Runs the story for {@code key}; account {@code a} is served by {@code
   * accountWatermarker.apply(a)} (all must embed {@code key}'s zero-bit watermark); {@code workDir}
   * takes the scan's work files.
   */
  public static Outcome run(
      WatermarkKey key,
      IntFunction<Watermarker> accountWatermarker,
      Config c,
      Path workDir,
      Consumer<String> log)
      throws IOException {
    TeacherGenerator teacher = TeacherGenerator.defaultTeacher();
    DistillationSimulator sim = new DistillationSimulator(teacher, SamplingParams.defaults());
    long t0 = System.nanoTime();
    List<DistillationSimulator.Harvested> harvest =
        sim.harvest(accountWatermarker, c.accounts(), c.perAccount(), c.outputTokens(), c.seed());
    List<int[]> outputs = harvest.stream().map(DistillationSimulator.Harvested::output).toList();
    log.accept(
        String.format(
            "harvest    %d accounts x %d outputs x %d tokens (%.0f s)",
            c.accounts(), c.perAccount(), c.outputTokens(), secs(t0)));

    // The investigator's queries: held-out human openings continued with our watermarked text.
    Watermarker ours = Watermarker.of(key);
    List<int[]> openings = teacher.heldOutPrompts(c.prompts(), c.promptTokens());
    List<int[]> prompts =
        IntStream.range(0, openings.size())
            .parallel()
            .mapToObj(
                i -> {
                  int[] o = openings.get(i);
                  int[] cont =
                      teacher
                          .generate(
                              o,
                              c.markedPromptTokens(),
                              SamplingParams.defaults(),
                              c.seed() + 31L * i,
                              ours)
                          .tokens();
                  int[] p = java.util.Arrays.copyOf(o, o.length + cont.length);
                  System.arraycopy(cont, 0, p, o.length, cont.length);
                  return p;
                })
            .toList();

    List<int[]> human = sim.humanDocuments();
    // The provider logs what it serves: the windows frequent in those outputs are where a student
    // of them learned the bias (the supervised filter of Sander et al.). It never looks at the
    // suspect's answers, so the test stays valid.
    WindowFilter filter = WindowFilter.frequent(key, outputs, c.filterMinCount());
    List<Student> students = new ArrayList<>();
    for (double rho : c.rhos()) {
      long t1 = System.nanoTime();
      KneserNeyModel student =
          DistillationSimulator.student(
              rho,
              human,
              outputs,
              c.studentTokens(),
              DistillationSimulator.STUDENT_ORDER,
              teacher.tokenizer().vocabSize());
      LanguageModel answering = new PromptEchoModel(student, c.echo());
      List<int[]> answers = sim.answers(answering, prompts, c.answerTokens(), c.seed() + 17);
      List<RadioactivityTest.Exchange> exchanges = new ArrayList<>();
      for (int i = 0; i < prompts.size(); i++) {
        exchanges.add(new RadioactivityTest.Exchange(prompts.get(i), answers.get(i)));
      }
      RadioactivityResult r =
          RadioactivityTest.of(key, RadioactivityTest.Options.strict(), Optional.empty())
              .closedModel(exchanges);
      RadioactivityResult sup =
          RadioactivityTest.of(key, RadioactivityTest.Options.strict(), Optional.of(filter))
              .closedModel(exchanges);
      students.add(new Student(rho, r, sup, List.copyOf(exchanges)));
      log.accept(
          String.format(
              "student    rho %5.1f%%: trained and queried (%.0f s)", 100 * rho, secs(t1)));
    }

    // The rival published some harvested outputs; they hide in a larger human corpus.
    List<Document> corpus = new ArrayList<>();
    Set<String> publishedIds = new HashSet<>();
    int humanDocs = 0;
    List<String> europarl = new ArrayList<>(EuroparlCorpus.load().english());
    int next = 0;
    for (int i = 0; i < harvest.size(); i += c.publishedEvery()) {
      // Interleave: a few human documents, then one published output.
      for (int j = 0;
          j < europarl.size() / Math.max(1, harvest.size() / c.publishedEvery())
              && next < europarl.size();
          j++) {
        corpus.add(Document.of("europarl-" + next, europarl.get(next++)));
        humanDocs++;
      }
      String id = "harvested-" + i + "-account-" + harvest.get(i).account();
      publishedIds.add(id);
      corpus.add(Document.of(id, teacher.tokenizer().decode(harvest.get(i).output())));
    }
    while (next < europarl.size()) {
      corpus.add(Document.of("europarl-" + next, europarl.get(next++)));
      humanDocs++;
    }
    long t2 = System.nanoTime();
    ScanResult scan =
        CorpusScan.of(
                KeySet.of(key.id(), List.of(key)),
                teacher.tokenizer(),
                CorpusScan.Options.defaults().withPartitions(16))
            .run(DocumentSource.of(corpus), workDir, ScanListener.NONE);
    int found = 0;
    int flagged = 0;
    for (String id : scan.suspectIds()) {
      if (publishedIds.contains(id)) {
        found++;
      } else {
        flagged++;
      }
    }
    log.accept(String.format("scan       %d documents (%.1f s)", corpus.size(), secs(t2)));
    return new Outcome(
        harvest,
        students,
        new Scan(scan, publishedIds.size(), humanDocs, found, flagged, List.copyOf(corpus)));
  }

  private static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}
