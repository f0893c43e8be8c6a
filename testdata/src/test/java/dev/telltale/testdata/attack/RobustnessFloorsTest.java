package dev.telltale.testdata.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.evidence.report.RobustnessReport;
import dev.telltale.key.KeyId;
import dev.telltale.key.SecretAccess;
import dev.telltale.key.SecretBytes;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.scheme.WatermarkParameters;
import dev.telltale.stats.Tails;
import dev.telltale.testdata.TeacherGenerator;
import dev.telltale.testdata.attack.RobustnessSuite.NormalForm;
import dev.telltale.testdata.attack.RobustnessSuite.Row;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The floors at CI size: 200-token generations of a KGW (delta 2) and a Gumbel key, human
 * and plain nulls under the same attacks, TPR at FPR 1e-3 with the hardened normal form. The full
 * table is printed by {@code telltale robustness} (README).
 */
class RobustnessFloorsTest {
  static final int TEXTS = 50;
  static final int NULLS = 60;
  static final int LEVEL_1E2 = 0;
  static final int LEVEL_1E3 = 1;
  static final int LEVEL_1E6 = 2;
  static List<Row> rows;

  static WatermarkKey key(String id, WatermarkParameters p, long seed) {
    byte[] secret = new byte[32];
    new SplittableRandom(seed).nextBytes(secret);
    return WatermarkKey.of(
        KeyId.of(id), p, SecretBytes.copyOf(secret, SecretAccess.get()), Instant.EPOCH);
  }

  @BeforeAll
  static void run() {
    RobustnessSuite suite = new RobustnessSuite(TeacherGenerator.defaultTeacher());
    rows =
        suite.run(
            List.of(
                key("kgw", GreenListParameters.defaults(), 1),
                key("gumbel", GumbelParameters.defaults(), 2)),
            new RobustnessSuite.Config(
                new int[] {200}, TEXTS, NULLS, 16, List.of(NormalForm.values()), false, true));
    System.out.print(
        new RobustnessReport(RobustnessSuite.LEVELS, RobustnessSuite.cells(rows), "CI floors")
            .markdown());
  }

  static Row row(String scheme, String attack, NormalForm f) {
    return rows.stream()
        .filter(r -> r.scheme().equals(scheme) && r.attack().equals(attack) && r.form() == f)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row " + scheme + " " + attack + " " + f));
  }

  @Test
  void cheapAttacksKeepNinetyNinePercentAfterHardening() {
    List<String> misses = new ArrayList<>();
    for (String scheme : List.of("kgw", "gumbel")) {
      for (String attack :
          List.of(
              "case-10",
              "punctuation-100",
              "whitespace-30",
              "homoglyphs-10",
              "u200b-after-space-50",
              "u200b-before-space-50",
              "invisible-inside-word-10",
              "typos-20")) {
        for (NormalForm f : List.of(NormalForm.HARDENED, NormalForm.SEARCH)) {
          Row r = row(scheme, attack, f);
          if (r.tpr(LEVEL_1E3) < 0.99) {
            misses.add(scheme + " " + attack + " " + f + " " + r.tpr(LEVEL_1E3));
          }
        }
      }
    }
    assertEquals(List.of(), misses);
  }

  @Test
  void hardeningIsWhatSavesInvisibleCharactersAndHomoglyphs() {
    // The basic normal form (the code before the hardening) loses these texts.
    assertTrue(row("kgw", "u200b-after-space-50", NormalForm.BASIC).tpr(LEVEL_1E3) < 0.5);
    assertTrue(row("kgw", "homoglyphs-10", NormalForm.BASIC).tpr(LEVEL_1E3) < 0.9);
  }

  @Test
  void deletionAndSubstitutionFloors() {
    for (NormalForm f : List.of(NormalForm.HARDENED, NormalForm.SEARCH)) {
      assertTrue(row("kgw", "deletion-25", f).tpr(LEVEL_1E3) >= 0.90);
      assertTrue(row("gumbel", "deletion-25", f).tpr(LEVEL_1E3) >= 0.90);
      assertTrue(row("kgw", "substitution-25", f).tpr(LEVEL_1E3) >= 0.80);
    }
  }

  @Test
  void theFormSearchCostsNoVerdictOnUnattackedText() {
    for (String scheme : List.of("kgw", "gumbel")) {
      assertEquals(1.0, row(scheme, "none", NormalForm.SEARCH).tpr(LEVEL_1E6), scheme);
    }
  }

  @Test
  void robustContextDefeatsTheEmojiAttack() {
    for (String scheme : List.of("kgw", "gumbel")) {
      assertTrue(row(scheme, "emoji", NormalForm.HARDENED).tpr(LEVEL_1E3) < 0.5);
    }
    // The floor for both schemes. Gumbel reaches it because a robust-context session
    // spends a context's uniforms on kept tokens only (WatermarkSession's robust choice); when the
    // Gumbel choice also picked skipped tokens, the unmoved context chose the same punctuation
    // again and again (RobustGumbelUniformsTest), and Gumbel fell to 0.86 here (0.96 unattacked).
    for (String scheme : List.of("kgw+robust", "gumbel+robust")) {
      assertTrue(row(scheme, "emoji", NormalForm.HARDENED).tpr(LEVEL_1E3) >= 0.90, scheme);
      assertTrue(row(scheme, "none", NormalForm.HARDENED).tpr(LEVEL_1E3) >= 0.99, scheme);
    }
  }

  @Test
  void windowSearchFindsAQuarterShareIn800Tokens() {
    for (String scheme : List.of("kgw", "gumbel")) {
      assertTrue(row(scheme, "paste-25+window", NormalForm.HARDENED).tpr(LEVEL_1E3) >= 0.95);
      assertTrue(row(scheme, "paste-25+window", NormalForm.SEARCH).tpr(LEVEL_1E3) >= 0.95);
    }
  }

  @Test
  void noAttackRaisesTheFalsePositiveRate() {
    // Upper end of the binomial band at 1e-2 for NULLS texts, Bonferroni over every null set.
    long sets = rows.size();
    int limit = 0;
    while (Tails.binomialUpper(NULLS, limit, 1e-2).pValue() > 1e-3 / sets) {
      limit++;
    }
    for (Row r : rows) {
      assertTrue(
          r.falsePositives()[LEVEL_1E2] < limit,
          r.scheme() + " " + r.attack() + " " + r.form() + ": " + r.falsePositives()[LEVEL_1E2]);
      assertEquals(0, r.falsePositives()[LEVEL_1E6], r.scheme() + " " + r.attack());
    }
  }
}
