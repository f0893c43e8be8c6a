package dev.telltale.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.embed.Watermarker;
import dev.telltale.forensics.attribution.Attribution;
import dev.telltale.forensics.attribution.AttributionPolicy;
import dev.telltale.forensics.attribution.CorpusAttribution;
import dev.telltale.forensics.corpus.Document;
import dev.telltale.forensics.radioactivity.RadioactivityResult;
import dev.telltale.forensics.radioactivity.RadioactivityTest;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.PayloadParameters;
import dev.telltale.stats.Tails;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.hipparchus.distribution.continuous.UniformRealDistribution;
import org.hipparchus.distribution.discrete.BinomialDistribution;
import org.hipparchus.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo's story at the demo's sizes with fixed seeds: power of the radioactivity test and the
 * corpus scan, the Sander et al. effect without safeguards, and uniform p-values over many keys for
 * the student trained without watermarked data. One story run is shared by all tests.
 */
class DistillationStoryTest {
  static final double ALPHA = 1e-6;
  static WatermarkKey key;
  static DistillationStory.Outcome outcome;

  @BeforeAll
  static void runStory() throws IOException {
    key =
        NullCalibrationTest.randomKey(
            new SplittableRandom(4242),
            GreenListParameters.defaults().withPayload(PayloadParameters.defaults()));
    DistillationStory.Config config = DistillationStory.Config.demo(11);
    long[] ids = DistillationStory.accountIds(config.accounts(), PayloadParameters.defaults(), 11);
    Watermarker[] perAccount = new Watermarker[ids.length];
    for (int a = 0; a < ids.length; a++) {
      perAccount[a] = Watermarker.forAccount(key, ids[a]);
    }
    outcome =
        DistillationStory.run(
            key,
            account -> perAccount[account],
            config,
            Files.createTempDirectory("story"),
            System.out::println);
    for (DistillationStory.Student s : outcome.students()) {
      System.out.printf(
          "rho %.2f: strict n=%d share=%.4f log10p=%.2f; supervised n=%d share=%.4f log10p=%.2f%n",
          s.rho(),
          s.test().scoredTuples(),
          s.test().share(),
          s.test().p().log10PValue(),
          s.supervised().scoredTuples(),
          s.supervised().share(),
          s.supervised().p().log10PValue());
    }
  }

  @Test
  void untaintedStudentIsNotFlaggedAndStudentsAtTenPercentOrMoreAre() {
    for (DistillationStory.Student s : outcome.students()) {
      double strict = s.test().p().log10PValue();
      double supervised = s.supervised().p().log10PValue();
      if (s.rho() == 0) {
        assertTrue(strict > Math.log10(ALPHA), "rho 0 strict log10 p " + strict);
        assertTrue(supervised > Math.log10(ALPHA), "rho 0 supervised log10 p " + supervised);
      } else if (s.rho() >= 0.1) {
        assertTrue(strict <= Math.log10(ALPHA), "rho " + s.rho() + " strict log10 p " + strict);
        assertTrue(supervised <= Math.log10(ALPHA), "rho " + s.rho() + " supervised " + supervised);
      }
      assertTrue(s.test().scoredTuples() > 5_000);
    }
  }

  @Test
  void scanFindsThePublishedHarvestInTheHumanCorpus() {
    DistillationStory.Scan scan = outcome.scan();
    System.out.printf(
        "scan: %d documents, pooled log10 p %.1f, suspects %d, found %d/%d, human flagged %d/%d%n",
        scan.result().documents(),
        scan.result().pooled().log10PValue(),
        scan.result().suspectCount(),
        scan.publishedFound(),
        scan.published(),
        scan.humanFlagged(),
        scan.human());
    assertTrue(scan.human() > 10 * scan.published());
    assertTrue(scan.result().pooled().log10PValue() < -20);
    assertTrue(scan.publishedFound() >= 0.9 * scan.published(), "found " + scan.publishedFound());
    assertTrue(scan.humanFlagged() <= 2, "human documents flagged: " + scan.humanFlagged());
  }

  /**
   * Attribution of the scan's suspects names harvesting accounts and nothing else: no document is
   * attributed to an account that did not receive it, no human document to any account.
   */
  @Test
  void attributionNamesHarvestingAccountsAndNoWrongOnes() {
    DistillationStory.Attributed a = outcome.attribution().orElseThrow();
    System.out.printf(
        "attribution: tested %d (human %d), attributed %d, accounts named %d (true %d), wrong %d,"
            + " human attributed %d, inconclusive %d (true account in candidates %d)%n",
        a.documentIds().size(),
        a.humanTested(),
        a.documentsAttributed(),
        a.result().accounts().size(),
        a.trueAccountsNamed(),
        a.wrongAttributions(),
        a.humanAttributed(),
        a.inconclusive(),
        a.trueInCandidates());
    assertEquals(outcome.scan().result().suspectCount(), a.documentIds().size());
    assertTrue(a.trueAccountsNamed() >= 1, "true accounts named " + a.trueAccountsNamed());
    assertEquals(a.result().accounts().size(), a.trueAccountsNamed(), "a non-harvesting account");
    assertEquals(0, a.wrongAttributions(), "wrong attributions");
    assertEquals(0, a.humanAttributed(), "human documents attributed");
  }

  /** Every human document of the scanned corpus, flagged or not, is never attributed. */
  @Test
  void noHumanDocumentOfTheCorpusIsAttributed() {
    Attribution attribution =
        Attribution.of(
            key, TeacherGenerator.defaultTeacher().tokenizer(), AttributionPolicy.defaults());
    List<String> human =
        outcome.scan().corpus().stream()
            .filter(d -> d.id().startsWith("europarl-"))
            .map(Document::text)
            .toList();
    CorpusAttribution r = attribution.attributeTexts(human);
    long decoded = r.documents().stream().filter(d -> d.decoded().isPresent()).count();
    System.out.printf(
        "human attribution: %d documents, %d passed the zero-bit gate, accounts named %d%n",
        human.size(), decoded, r.accounts().size());
    assertEquals(outcome.scan().human(), human.size());
    assertEquals(0, r.accounts().size(), "accounts named from human text");
  }

  /** Sander et al.: an untrained student echoing watermarked prompts looks radioactive. */
  @Test
  void withoutDedupAndPromptFilterTheUntaintedStudentLooksRadioactive() {
    DistillationStory.Student clean = outcome.students().get(0);
    assertEquals(0.0, clean.rho());
    RadioactivityResult naive =
        RadioactivityTest.of(
                key,
                new RadioactivityTest.Options(false, RadioactivityTest.PromptFilter.NONE),
                Optional.empty())
            .closedModel(clean.exchanges());
    RadioactivityResult dedupOnly =
        RadioactivityTest.of(
                key,
                new RadioactivityTest.Options(true, RadioactivityTest.PromptFilter.NONE),
                Optional.empty())
            .closedModel(clean.exchanges());
    System.out.printf(
        "rho 0: naive log10 p %.1f, dedup only %.1f, strict %.2f%n",
        naive.p().log10PValue(), dedupOnly.p().log10PValue(), clean.test().p().log10PValue());
    assertTrue(naive.p().log10PValue() < -6, "naive " + naive.p().log10PValue());
    assertTrue(clean.test().p().log10PValue() > -6);
  }

  /** The student trained without watermarked data, tested against many keys: uniform p. */
  @Test
  void radioactivityPValuesOfTheUntaintedStudentAreUniformOverKeys() {
    DistillationStory.Student clean = outcome.students().get(0);
    SplittableRandom r = new SplittableRandom(77);
    int trials = 300;
    double[] randomized = new double[trials];
    int below = 0;
    for (int t = 0; t < trials; t++) {
      WatermarkKey k = NullCalibrationTest.randomKey(r, GreenListParameters.defaults());
      RadioactivityResult res =
          RadioactivityTest.of(k, RadioactivityTest.Options.strict(), Optional.empty())
              .closedModel(clean.exchanges());
      long n = res.scoredTuples();
      long g = (long) res.score();
      double pGreater = g + 1 > n ? 0.0 : Tails.binomialUpper(n, g + 1, 0.25).pValue();
      double pEqual = new BinomialDistribution((int) n, 0.25).probability((int) g);
      randomized[t] = pGreater + r.nextDouble() * pEqual;
      if (res.p().pValue() <= 0.01) {
        below++;
      }
    }
    double ks =
        new KolmogorovSmirnovTest()
            .kolmogorovSmirnovTest(new UniformRealDistribution(0, 1), randomized);
    System.out.printf("radioactivity null: %d keys, KS p=%.4f, p <= 0.01: %d%n", trials, ks, below);
    assertTrue(ks > 0.001, "KS p " + ks);
    assertTrue(below <= 9, "false positives at 0.01: " + below);
  }
}
