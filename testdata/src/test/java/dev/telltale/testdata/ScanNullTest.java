package dev.telltale.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.forensics.corpus.Document;
import dev.telltale.forensics.corpus.DocumentSource;
import dev.telltale.forensics.scan.CorpusScan;
import dev.telltale.forensics.scan.ScanListener;
import dev.telltale.forensics.scan.ScanResult;
import dev.telltale.key.KeySet;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.scheme.PrfVersion;
import dev.telltale.text.Tokenizers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.hipparchus.distribution.continuous.UniformRealDistribution;
import org.hipparchus.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Scans of a purely human corpus (all English Europarl documents, which share many n-grams) must
 * give uniform pooled p-values over many keys, and flag no document: this is what keeps an innocent
 * corpus owner from being accused. One scan tests all keys at once (the corpus is tokenized once).
 */
class ScanNullTest {
  static final int KEYS = 120;
  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(PrfVersion.class)
  void pooledPValuesOfHumanCorporaAreUniformOverKeys(PrfVersion prf) throws IOException {
    for (boolean gumbel : new boolean[] {false, true}) {
      SplittableRandom r = new SplittableRandom((gumbel ? 202 : 201) + 10 * prf.ordinal());
      List<WatermarkKey> keys = new ArrayList<>();
      for (int i = 0; i < KEYS; i++) {
        keys.add(
            NullCalibrationTest.randomKey(
                r, gumbel ? GumbelParameters.defaults() : GreenListParameters.defaults(), prf));
      }
      List<Document> docs = new ArrayList<>();
      List<String> english = EuroparlCorpus.load().english();
      for (int i = 0; i < english.size(); i++) {
        docs.add(Document.of("europarl-" + i, english.get(i)));
      }
      ScanResult result =
          CorpusScan.of(
                  KeySet.of(keys.get(0).id(), keys),
                  Tokenizers.cl100kBase(),
                  CorpusScan.Options.defaults().withPartitions(1))
              .run(DocumentSource.of(docs), tmp.resolve("s" + gumbel), ScanListener.NONE);
      double[] p = result.keys().stream().mapToDouble(k -> k.p().pValue()).toArray();
      ScanResult.PooledKey k0 = result.keys().get(0);
      assertTrue(k0.scoredTuples() < k0.positions(), "the corpus repeats tuples across documents");
      double ks =
          new KolmogorovSmirnovTest().kolmogorovSmirnovTest(new UniformRealDistribution(0, 1), p);
      long below = java.util.Arrays.stream(p).filter(x -> x <= 0.01).count();
      System.out.printf(
          "scan null %s: %d keys, %d documents, %d distinct of %d positions, KS p=%.4f,"
              + " pooled p <= 0.01: %d, suspects: %d%n",
          (gumbel ? "gumbel" : "kgw") + " prf " + prf.id(),
          KEYS,
          result.documents(),
          k0.scoredTuples(),
          k0.positions(),
          ks,
          below,
          result.suspectCount());
      assertTrue(ks > 0.001, "KS p " + ks);
      assertTrue(below <= 6, "pooled p <= 0.01 for " + below + " of " + KEYS + " keys");
      assertEquals(0, result.suspectCount(), "no human document may be flagged");
    }
  }
}
