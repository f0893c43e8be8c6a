package dev.telltale.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.embed.Watermarker;
import dev.telltale.forensics.attribution.AccountCandidate;
import dev.telltale.forensics.attribution.Attribution;
import dev.telltale.forensics.attribution.AttributionPolicy;
import dev.telltale.forensics.attribution.DocumentAttribution;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.PayloadParameters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Documents stitched from several accounts' outputs must never name an innocent account: every
 * position carries some source's boosted colour, and the position-by-position decode can spell a
 * chimera that served none of the text. Stitched documents of 2 and 3 accounts, at several lengths,
 * from a densely allocated block of ids (neighbours differ in every symbol across a carry), and the
 * case of the issue (accounts 1193046 and 11259375, 1,000 tokens each).
 */
class MixedSourceAttributionTest {
  static final int TOKENS = 1_000;
  static final long[] ISSUE = {1193046L, 11259375L};
  // A dense block crossing two carries: 0x12FFFE .. 0x130002.
  static final long[] DENSE = {0x12FFFEL, 0x12FFFFL, 0x130000L, 0x130001L, 0x130002L};

  static WatermarkKey key;
  static Attribution attribution;
  static Map<Long, int[]> outputs = new HashMap<>();

  @BeforeAll
  static void generate() {
    key =
        NullCalibrationTest.randomKey(
            new SplittableRandom(2468),
            GreenListParameters.defaults().withPayload(PayloadParameters.defaults()));
    TeacherGenerator teacher = TeacherGenerator.defaultTeacher();
    attribution = Attribution.of(key, teacher.tokenizer(), AttributionPolicy.defaults());
    long[] all = new long[ISSUE.length + DENSE.length];
    System.arraycopy(ISSUE, 0, all, 0, ISSUE.length);
    System.arraycopy(DENSE, 0, all, ISSUE.length, DENSE.length);
    List<int[]> prompts = teacher.heldOutPrompts(all.length, 16);
    List<int[]> out =
        IntStream.range(0, all.length)
            .parallel()
            .mapToObj(
                i ->
                    teacher
                        .generate(
                            prompts.get(i),
                            TOKENS,
                            SamplingParams.defaults(),
                            300L + i,
                            Watermarker.forAccount(key, all[i]))
                        .tokens())
            .toList();
    for (int i = 0; i < all.length; i++) {
      outputs.put(all[i], out.get(i));
    }
  }

  static int[] stitch(long[] accounts, int tokensEach) {
    int[] doc = new int[0];
    for (long a : accounts) {
      int[] part = Arrays.copyOf(outputs.get(a), tokensEach);
      int[] next = Arrays.copyOf(doc, doc.length + part.length);
      System.arraycopy(part, 0, next, doc.length, part.length);
      doc = next;
    }
    return doc;
  }

  static String describe(DocumentAttribution d) {
    return d.outcome().label()
        + d.decoded()
            .map(a -> ", decoded " + a.account() + " corrected p " + a.correctedP())
            .orElse("")
        + ", candidates "
        + d.candidates().stream().map(AccountCandidate::account).toList();
  }

  @Test
  void theIssuesTwoAccountsPastedTogetherNameNoInnocentAccount() {
    int[] doc = stitch(ISSUE, TOKENS);
    DocumentAttribution d = attribution.attributeTokens(doc, 0, doc.length);
    System.out.println("issue's stitched document: " + describe(d));
    assertTrue(
        d.account().isEmpty()
            || d.account().getAsLong() == ISSUE[0]
            || d.account().getAsLong() == ISSUE[1],
        "innocent account named: " + describe(d));
    assertEquals(DocumentAttribution.Outcome.MIXED_SOURCES, d.outcome(), describe(d));
    List<Long> candidates = d.candidates().stream().map(AccountCandidate::account).toList();
    assertTrue(
        candidates.contains(ISSUE[0]) && candidates.contains(ISSUE[1]), "candidates " + candidates);
  }

  @Test
  void stitchedDocumentsOfDenselyAllocatedAccountsNeverNameAnInnocent() {
    List<long[]> groups = new ArrayList<>();
    for (int i = 0; i < DENSE.length; i++) {
      for (int j = 0; j < DENSE.length; j++) {
        if (i != j) {
          groups.add(new long[] {DENSE[i], DENSE[j]});
        }
      }
    }
    for (int i = 0; i + 2 < DENSE.length; i++) {
      groups.add(new long[] {DENSE[i], DENSE[i + 1], DENSE[i + 2]});
      groups.add(new long[] {DENSE[i + 2], DENSE[i], DENSE[i + 1]});
    }
    int documents = 0;
    int mixed = 0;
    int namedSource = 0;
    List<String> innocents = new ArrayList<>();
    for (int len : new int[] {250, 500, TOKENS}) {
      for (long[] g : groups) {
        int[] doc = stitch(g, len);
        DocumentAttribution d = attribution.attributeTokens(doc, 0, doc.length);
        documents++;
        if (d.outcome() == DocumentAttribution.Outcome.MIXED_SOURCES) {
          mixed++;
        }
        if (d.account().isPresent()) {
          long a = d.account().getAsLong();
          if (Arrays.stream(g).anyMatch(x -> x == a)) {
            namedSource++;
          } else {
            innocents.add(Arrays.toString(g) + " x " + len + ": " + describe(d));
          }
        }
      }
    }
    System.out.printf(
        "stitched documents: %d, mixed sources %d, a true source named %d, innocent named %d%n",
        documents, mixed, namedSource, innocents.size());
    assertTrue(innocents.isEmpty(), "innocent accounts named: " + innocents);
  }

  /** Each account's own output alone is still attributed to it (the checks cost little power). */
  @Test
  void singleSourceOutputsAreStillAttributed() {
    int attributed = 0;
    for (long a : DENSE) {
      int[] doc = outputs.get(a);
      DocumentAttribution d = attribution.attributeTokens(doc, 0, doc.length);
      System.out.println("single source " + a + ": " + describe(d));
      assertTrue(d.account().isEmpty() || d.account().getAsLong() == a, describe(d));
      if (d.account().isPresent()) {
        attributed++;
      }
    }
    assertTrue(attributed >= DENSE.length - 1, "attributed " + attributed + " of " + DENSE.length);
  }
}
