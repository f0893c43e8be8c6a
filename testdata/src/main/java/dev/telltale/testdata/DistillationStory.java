package dev.telltale.testdata;

import dev.telltale.embed.Watermarker;
import dev.telltale.forensics.attribution.Attribution;
import dev.telltale.forensics.attribution.AttributionPolicy;
import dev.telltale.forensics.attribution.CorpusAttribution;
import dev.telltale.forensics.attribution.DocumentAttribution;
import dev.telltale.forensics.corpus.Document;
import dev.telltale.forensics.corpus.DocumentSource;
import dev.telltale.forensics.radioactivity.RadioactivityResult;
import dev.telltale.forensics.radioactivity.RadioactivityTest;
import dev.telltale.forensics.radioactivity.WindowFilter;
import dev.telltale.forensics.scan.CorpusScan;
import dev.telltale.forensics.scan.ScanListener;
import dev.telltale.forensics.scan.ScanResult;
import dev.telltale.key.KeySet;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.PayloadParameters;
import dev.telltale.stats.TailProbability;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * The whole distillation story, end to end and seeded: the teacher serves watermarked outputs to
 * many accounts; a rival harvests them and distils students at several rho; the investigator
 * queries every student with fresh (watermarked) prompts and runs the radioactivity test; a corpus
 * scan finds the harvested documents the rival published inside a larger human corpus; and, when
 * the key carries an account payload, attribution names the accounts that harvested them. The demo
 * command prints it, and the tests assert its thresholds.
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
   * @param filterMinCount how often a window must occur in the human reference text to be scored by
   *     the supervised test
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

    /**
     * The demo's sizes: about a minute of generation on 2 cores. Served outputs are 400 tokens: at
     * 200 the account payload is rarely decodable with confidence (see README, Account
     * attribution).
     */
    public static Config demo(long seed) {
      return new Config(
          50, 10, 400, 100_000, 400, 16, 32, 160, 0.4, List.of(0.0, 0.01, 0.1, 1.0), 5, 2, seed);
    }
  }

  /**
   * One distilled student and the investigator's radioactivity tests of it.
   *
   * @param rho share of harvested text in the student's training data
   * @param test the strict test: one global tape, the query's own prompt windows skipped
   * @param supervised the same, restricted to windows frequent in human reference text (as many
   *     tokens as we served; a key-independent choice, see {@link WindowFilter})
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

  /**
   * Attribution of the scan's suspect documents: each decoded on its own after the zero-bit gate,
   * Holm over the suspects ({@link Attribution#combine}), compared with the simulator's truth.
   *
   * @param result the combined attribution, documents in {@code documentIds} order
   * @param documentIds the suspects tested, in corpus order
   * @param documentsAttributed documents whose Holm-adjusted corrected p is at most alpha
   * @param trueAccountsNamed named accounts that really harvested (served one of the outputs)
   * @param wrongAttributions attributed documents whose account is not the one that received them
   *     (a human document attributed to any account counts)
   * @param humanTested human documents among the suspects
   * @param humanAttributed human documents attributed to some account
   * @param inconclusive watermarked documents whose account does not reach alpha
   * @param trueInCandidates of those, how many list the true account among their candidates
   */
  public record Attributed(
      CorpusAttribution result,
      List<String> documentIds,
      int documentsAttributed,
      int trueAccountsNamed,
      int wrongAttributions,
      int humanTested,
      int humanAttributed,
      int inconclusive,
      int trueInCandidates) {
    public Attributed {
      documentIds = List.copyOf(documentIds);
    }
  }

  /**
   * Everything the story produced.
   *
   * @param attribution present when the key carries an account payload
   */
  public record Outcome(
      List<DistillationSimulator.Harvested> harvest,
      List<Student> students,
      Scan scan,
      Optional<Attributed> attribution) {}

  /**
   * {@code accounts} distinct random account ids that fit in {@code payload}, drawn from {@code
   * seed}: ids are not 0, 1, 2, ... so that decoding a small number gives nothing away.
   */
  public static long[] accountIds(int accounts, PayloadParameters payload, long seed) {
    if (accounts > payload.accounts() / 2) {
      throw new IllegalArgumentException(accounts + " accounts do not fit in the payload");
    }
    SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
    Set<Long> seen = new HashSet<>();
    long[] ids = new long[accounts];
    for (int a = 0; a < accounts; a++) {
      long id;
      do {
        id = r.nextLong(payload.accounts());
      } while (!seen.add(id));
      ids[a] = id;
    }
    return ids;
  }

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
    Watermarker ours = Watermarker.of(key, teacher.tokenizer());
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
    // The supervised filter (Sander et al.) keeps the windows common in what our model writes,
    // where a student of our outputs learned the bias. Chosen from our watermarked outputs the
    // windows would depend on the key's green lists (generation revisits a window more often when
    // its green continuations loop back), and an innocent model would look radioactive there; so
    // they are chosen from human text of the domain, as many tokens as we served, which no key
    // touched.
    long served = outputs.stream().mapToLong(o -> o.length).sum();
    WindowFilter filter =
        WindowFilter.fromReference(
            key, teacher.tokenizer(), referenceText(human, served), c.filterMinCount());
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
          RadioactivityTest.of(
                  key, teacher.tokenizer(), RadioactivityTest.Options.strict(), Optional.empty())
              .closedModel(exchanges);
      RadioactivityResult sup =
          RadioactivityTest.of(
                  key, teacher.tokenizer(), RadioactivityTest.Options.strict(), Optional.of(filter))
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
    for (int k = 0; k * c.publishedEvery() < harvest.size(); k++) {
      // Every publishedEvery-th output, shifted by a slowly growing offset so that the published
      // outputs come from every account (account = output index mod accounts).
      int i =
          k * c.publishedEvery()
              + (int) ((long) k * c.publishedEvery() / Math.max(1, c.accounts()))
                  % c.publishedEvery();
      if (i >= harvest.size()) {
        i = k * c.publishedEvery();
      }
      // Interleave: a few human documents, then one published output.
      for (int j = 0;
          j < europarl.size() / Math.max(1, harvest.size() / c.publishedEvery())
              && next < europarl.size();
          j++) {
        corpus.add(Document.of("europarl-" + next, europarl.get(next++)));
        humanDocs++;
      }
      int account = harvest.get(i).account();
      String id =
          "harvested-"
              + i
              + "-account-"
              + accountWatermarker.apply(account).account().orElse(account);
      publishedIds.add(id);
      corpus.add(Document.of(id, teacher.tokenizer().decode(harvest.get(i).output())));
    }
    while (next < europarl.size()) {
      corpus.add(Document.of("europarl-" + next, europarl.get(next++)));
      humanDocs++;
    }
    Map<String, Integer> publishedIndex = new HashMap<>();
    for (String id : publishedIds) {
      publishedIndex.put(id, Integer.parseInt(id.split("-")[1]));
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

    Optional<Attributed> attributed = Optional.empty();
    if (key.parameters() instanceof GreenListParameters g && g.payload().isPresent()) {
      long t3 = System.nanoTime();
      attributed =
          Optional.of(
              attribute(key, teacher, corpus, scan, publishedIndex, harvest, accountWatermarker));
      log.accept(
          String.format(
              "attribute  %d suspect documents (%.1f s)",
              attributed.get().documentIds().size(), secs(t3)));
    }
    return new Outcome(
        harvest,
        students,
        new Scan(scan, publishedIds.size(), humanDocs, found, flagged, List.copyOf(corpus)),
        attributed);
  }

  // The investigator attributes the scan's suspects only: documents no watermark was found in
  // have nothing to decode, and a smaller family keeps Holm's correction mild. Each document is
  // decoded on its own (pooling documents by their decoded account would be invalid).
  private static Attributed attribute(
      WatermarkKey key,
      TeacherGenerator teacher,
      List<Document> corpus,
      ScanResult scan,
      Map<String, Integer> publishedIndex,
      List<DistillationSimulator.Harvested> harvest,
      IntFunction<Watermarker> accountWatermarker) {
    Attribution attribution =
        Attribution.of(key, teacher.tokenizer(), AttributionPolicy.defaults());
    Set<String> suspects = new HashSet<>(scan.suspectIds());
    List<Document> tested = corpus.stream().filter(d -> suspects.contains(d.id())).toList();
    List<DocumentAttribution> docs =
        tested.parallelStream().map(d -> attribution.attributeText(d.text())).toList();
    CorpusAttribution result = Attribution.combine(docs, attribution.policy().alpha());
    // The simulator's truth: the account each published output was served to (none for human).
    List<OptionalLong> truth = new ArrayList<>();
    for (Document d : tested) {
      Integer i = publishedIndex.get(d.id());
      truth.add(
          i == null
              ? OptionalLong.empty()
              : accountWatermarker.apply(harvest.get(i).account()).account());
    }
    Set<Long> harvesting = new HashSet<>();
    for (int a = 0; a < harvest.size(); a++) {
      accountWatermarker.apply(harvest.get(a).account()).account().ifPresent(harvesting::add);
    }
    double level = Math.log10(attribution.policy().alpha());
    int attributedDocs = 0;
    int wrong = 0;
    int humanTested = 0;
    int humanAttributed = 0;
    int inconclusive = 0;
    int inCandidates = 0;
    for (int i = 0; i < docs.size(); i++) {
      DocumentAttribution d = docs.get(i);
      OptionalLong t = truth.get(i);
      if (t.isEmpty()) {
        humanTested++;
      }
      TailProbability adjusted = result.holmAdjusted().get(i);
      if (d.decoded().isPresent() && adjusted.log10PValue() <= level) {
        attributedDocs++;
        long account = d.decoded().get().account();
        if (t.isEmpty()) {
          humanAttributed++;
          wrong++;
        } else if (t.getAsLong() != account) {
          wrong++;
        }
      } else if (d.outcome() != DocumentAttribution.Outcome.NOT_WATERMARKED) {
        inconclusive++;
        if (t.isPresent() && d.candidates().stream().anyMatch(c -> c.account() == t.getAsLong())) {
          inCandidates++;
        }
      }
    }
    int trueNamed = 0;
    for (CorpusAttribution.AccountFinding f : result.accounts()) {
      if (harvesting.contains(f.account())) {
        trueNamed++;
      }
    }
    return new Attributed(
        result,
        tested.stream().map(Document::id).toList(),
        attributedDocs,
        trueNamed,
        wrong,
        humanTested,
        humanAttributed,
        inconclusive,
        inCandidates);
  }

  /**
   * The supervised filter's key-independent reference: the first {@code tokens} tokens of the human
   * documents, in order.
   */
  public static List<int[]> referenceText(List<int[]> human, long tokens) {
    List<int[]> out = new ArrayList<>();
    long got = 0;
    for (int[] d : human) {
      if (got >= tokens) {
        break;
      }
      int n = (int) Math.min(d.length, tokens - got);
      out.add(n == d.length ? d : java.util.Arrays.copyOf(d, n));
      got += n;
    }
    return out;
  }

  private static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}
