package dev.telltale.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.telltale.TestKeys;
import dev.telltale.key.KeyId;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.scheme.PayloadParameters;
import dev.telltale.scheme.VllmDedup;
import dev.telltale.scheme.VllmDualKeyGumbelParameters;
import dev.telltale.scheme.VllmGumbelParameters;
import dev.telltale.scheme.VllmRedGreenParameters;
import dev.telltale.scheme.VllmSbwParameters;
import java.time.Instant;
import java.util.Arrays;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A batch of sessions steps exactly as each session alone; rollback undoes accepts exactly. */
class SessionBatchTest {
  private static final int SCHEMES = 8; // 0-3 Telltale's, 4-7 vLLM's
  private static final int TELLTALE_SCHEMES = 4;

  /** Scheme {@code i}'s watermarker and whether it embeds by sampling (else by bias). */
  private record Scheme(Watermarker watermarker, boolean sampling) {}

  private static Scheme scheme(int i, SplittableRandom r) {
    long keySeed = r.nextLong();
    int h = 1 + r.nextInt(3);
    double gamma = 0.1 + 0.8 * r.nextDouble();
    double delta = 0.5 + 4 * r.nextDouble();
    VllmDedup dedup = VllmDedup.values()[r.nextInt(VllmDedup.values().length)];
    OptionalInt max = r.nextBoolean() ? OptionalInt.empty() : OptionalInt.of(1 + r.nextInt(8));
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    switch (i) {
      case 0, 1 -> {
        GreenListParameters p =
            GreenListParameters.builder()
                .gamma(gamma)
                .delta(delta)
                .contextWidth(h)
                .selfHash(i == 1)
                .build();
        return new Scheme(Watermarker.of(TestKeys.key(keySeed, p)), false);
      }
      case 2 -> {
        PayloadParameters pp = new PayloadParameters(24, 4, 0.5 + 2 * r.nextDouble());
        GreenListParameters p =
            GreenListParameters.builder()
                .gamma(gamma)
                .delta(delta)
                .contextWidth(h)
                .payload(pp)
                .build();
        WatermarkKey key = TestKeys.key(keySeed, p);
        return new Scheme(Watermarker.forAccount(key, r.nextLong(pp.accounts())), false);
      }
      case 3 -> {
        GumbelParameters p = GumbelParameters.builder().contextWidth(h).build();
        return new Scheme(Watermarker.of(TestKeys.key(keySeed, p)), true);
      }
      case 4 -> {
        WatermarkKey key =
            WatermarkKey.ofVllm(
                KeyId.of("vllm-rg"),
                new VllmRedGreenParameters(h, dedup, max, true, gamma, delta),
                keySeed,
                t0);
        return new Scheme(Watermarker.of(key), false);
      }
      case 5 -> {
        WatermarkKey key =
            WatermarkKey.ofVllm(
                KeyId.of("vllm-gumbel"),
                new VllmGumbelParameters(h, dedup, max, true),
                keySeed,
                t0);
        return new Scheme(Watermarker.of(key), true);
      }
      case 7 -> {
        // alphas 0 and 1 route without a draw; in between, one draw per step
        double alpha = r.nextInt(4) == 0 ? r.nextInt(2) : r.nextDouble();
        WatermarkKey key =
            WatermarkKey.ofVllm(
                KeyId.of("vllm-dual-key-gumbel"),
                new VllmDualKeyGumbelParameters(h, dedup, max, true, alpha, alpha),
                keySeed,
                t0);
        return new Scheme(Watermarker.of(key), true);
      }
      default -> {
        WatermarkKey key =
            WatermarkKey.ofVllm(
                KeyId.of("vllm-sbw"),
                new VllmSbwParameters(h, dedup, max, true, gamma, delta),
                keySeed,
                t0);
        return new Scheme(Watermarker.of(key), false);
      }
    }
  }

  private static int[] tokens(SplittableRandom r, int n, int alphabet) {
    int[] t = new int[n];
    for (int i = 0; i < n; i++) {
      t[i] = r.nextInt(alphabet);
    }
    return t;
  }

  private static float logit(SplittableRandom r) {
    int k = r.nextInt(20);
    return k == 0 ? -0.0f : k == 1 ? 0.0f : (float) (3 * r.nextGaussian());
  }

  @Test
  void batchStepsExactlyAsEachSessionAlone() {
    qt().withFixedSeed(20261206L)
        .withExamples(120)
        .forAll(longs().all(), integers().between(0, SCHEMES - 1), integers().between(1, 5))
        .checkAssert(SessionBatchTest::stepTogetherAndAlone);
  }

  private static void stepTogetherAndAlone(long seed, int schemeIndex, int rows) {
    SplittableRandom r = new SplittableRandom(seed);
    Scheme scheme = scheme(schemeIndex, r);
    int vocab = 40 + r.nextInt(300);
    int alphabet = r.nextBoolean() ? 3 : vocab; // a small alphabet repeats contexts
    WatermarkSession[] inBatch = new WatermarkSession[rows];
    WatermarkSession[] alone = new WatermarkSession[rows];
    for (int k = 0; k < rows; k++) {
      int[] prompt = tokens(r, r.nextInt(5), alphabet);
      inBatch[k] = scheme.watermarker().newSession(prompt, 0, prompt.length);
      alone[k] = scheme.watermarker().newSession(prompt, 0, prompt.length);
    }
    SessionBatch batch = new SessionBatch(inBatch, 2);
    int steps = 1 + r.nextInt(10);
    for (int step = 0; step < steps; step++) {
      for (int k = 0; k < rows; k++) {
        assertEquals(alone[k].watermarking(), inBatch[k].watermarking(), "row " + k);
      }
      boolean candidatesMode = r.nextBoolean();
      int[] counts = new int[rows];
      int[] offsets = new int[rows];
      int[] candidateOffsets = new int[rows];
      int total = 0;
      int totalCandidates = r.nextInt(3);
      for (int k = 0; k < rows; k++) {
        total += r.nextInt(4); // gaps between rows stay untouched
        offsets[k] = total;
        counts[k] = candidatesMode ? 1 + r.nextInt(Math.min(vocab, 60)) : vocab;
        total += counts[k];
        candidateOffsets[k] = totalCandidates;
        totalCandidates += counts[k] + r.nextInt(3);
      }
      total += r.nextInt(4);
      float[] logits = new float[total];
      for (int i = 0; i < total; i++) {
        logits[i] = logit(r);
      }
      int[] candidates = tokens(r, totalCandidates, vocab);
      float[] expected = logits.clone();
      int[] next = new int[rows];
      if (scheme.sampling()) {
        double temperature = 0.3 + 1.5 * r.nextDouble();
        long drawSeed = r.nextLong();
        SplittableRandom drawAlone = new SplittableRandom(drawSeed);
        int[] want = new int[rows];
        for (int k = 0; k < rows; k++) {
          float[] row = Arrays.copyOfRange(logits, offsets[k], offsets[k] + counts[k]);
          want[k] =
              candidatesMode
                  ? alone[k].sample(
                      row,
                      Arrays.copyOfRange(
                          candidates, candidateOffsets[k], candidateOffsets[k] + counts[k]),
                      counts[k],
                      temperature,
                      drawAlone)
                  : alone[k].sample(row, temperature, drawAlone);
        }
        SplittableRandom drawBatch = new SplittableRandom(drawSeed);
        if (candidatesMode) {
          batch.sample(
              logits,
              offsets,
              candidates,
              candidateOffsets,
              counts,
              rows,
              temperature,
              drawBatch,
              next);
        } else {
          batch.sample(logits, offsets, rows, vocab, temperature, drawBatch, next);
        }
        assertArrayEquals(want, next);
        assertArrayEquals(expected, logits, "sampling leaves the logits alone");
      } else {
        for (int k = 0; k < rows; k++) {
          float[] row = Arrays.copyOfRange(expected, offsets[k], offsets[k] + counts[k]);
          if (candidatesMode) {
            alone[k].bias(
                row,
                Arrays.copyOfRange(
                    candidates, candidateOffsets[k], candidateOffsets[k] + counts[k]),
                counts[k]);
          } else {
            alone[k].bias(row);
          }
          System.arraycopy(row, 0, expected, offsets[k], counts[k]);
        }
        if (candidatesMode) {
          batch.bias(logits, offsets, candidates, candidateOffsets, counts, rows);
        } else {
          batch.bias(logits, offsets, rows, vocab);
        }
        // bit for bit, -0.0 included
        for (int i = 0; i < total; i++) {
          assertEquals(
              Float.floatToRawIntBits(expected[i]),
              Float.floatToRawIntBits(logits[i]),
              "logit " + i + " of step " + step);
        }
        next = tokens(r, rows, alphabet);
      }
      batch.accept(next, rows);
      for (int k = 0; k < rows; k++) {
        alone[k].accept(next[k]);
      }
    }
  }

  @Test
  void rollbackThenAcceptEqualsNeverHavingAcceptedTheDrafts() {
    qt().withFixedSeed(617L)
        .withExamples(150)
        .forAll(longs().all(), integers().between(0, SCHEMES - 1), integers().between(1, 5))
        .checkAssert(SessionBatchTest::rollbackEqualsFresh);
  }

  private static void rollbackEqualsFresh(long seed, int schemeIndex, int maxDraft) {
    SplittableRandom r = new SplittableRandom(seed);
    Scheme scheme = scheme(schemeIndex, r);
    int vocab = 30 + r.nextInt(200);
    int alphabet = r.nextBoolean() ? 3 : vocab;
    int[] prompt = tokens(r, r.nextInt(4), alphabet);
    WatermarkSession speculative = scheme.watermarker().newSession(prompt, 0, prompt.length);
    WatermarkSession plain = scheme.watermarker().newSession(prompt, 0, prompt.length);
    SessionBatch batch = new SessionBatch(new WatermarkSession[] {speculative}, maxDraft);
    int rounds = 1 + r.nextInt(6);
    for (int round = 0; round < rounds; round++) {
      batch.commit(0);
      int[] drafts = tokens(r, r.nextInt(maxDraft + 1), alphabet);
      for (int d : drafts) {
        batch.accept(0, d);
      }
      int kept = r.nextInt(drafts.length + 1);
      batch.rollback(0, drafts.length - kept);
      assertEquals(kept, batch.pending(0));
      // the verified continuation: the rejected drafts again half the time
      int[] continuation =
          r.nextBoolean()
              ? Arrays.copyOfRange(drafts, kept, drafts.length)
              : tokens(r, r.nextInt(3), alphabet);
      for (int i = 0; i < kept; i++) {
        plain.accept(drafts[i]);
      }
      for (int t : continuation) {
        assertSameState(plain, speculative, scheme.sampling(), vocab, r.nextLong());
        batch.accept(0, t);
        plain.accept(t);
      }
      assertSameState(plain, speculative, scheme.sampling(), vocab, r.nextLong());
      assertEquals(plain.vllmTrace(), speculative.vllmTrace(), "trace");
    }
  }

  /**
   * Speculative decoding as a stack runs it with vLLM keys: each draft position is stepped
   * (sampled, or biased and its argmax taken) and its draft accepted; the first draft that differs
   * from the stepped token and everything after it are rolled back, and the stepped token accepted
   * instead (or, all drafts kept, the bonus token). Tokens, traces (routing draws, deduplication
   * skips) and the state after are those of a session stepped alone through the kept tokens. A
   * small vocabulary repeats contexts, so vLLM's deduplication history is rolled back too.
   */
  @Test
  void speculativeDecodingWithVllmKeysEqualsSteppingAlone() {
    qt().withFixedSeed(20261207L)
        .withExamples(200)
        .forAll(
            longs().all(),
            integers().between(TELLTALE_SCHEMES, SCHEMES - 1),
            integers().between(1, 5))
        .checkAssert(SessionBatchTest::speculativeEqualsAlone);
  }

  private static void speculativeEqualsAlone(long seed, int schemeIndex, int maxDraft) {
    SplittableRandom r = new SplittableRandom(seed);
    Scheme scheme = scheme(schemeIndex, r);
    int vocab = 2 + r.nextInt(r.nextBoolean() ? 4 : 60);
    long logitSeed = r.nextLong();
    int[] prompt = tokens(r, r.nextInt(5), vocab);
    WatermarkSession speculative = scheme.watermarker().newSession(prompt, 0, prompt.length);
    WatermarkSession alone = scheme.watermarker().newSession(prompt, 0, prompt.length);
    SessionBatch batch = new SessionBatch(new WatermarkSession[] {speculative}, maxDraft);
    int length = 10 + r.nextInt(40);
    int[] kept = new int[length + maxDraft + 1];
    int pos = 0;
    int rolledBack = 0;
    while (pos < length) {
      batch.commit(0);
      int drafts = 1 + r.nextInt(maxDraft);
      int reject = -1;
      int replacement = -1;
      for (int j = 0; j < drafts; j++) {
        int x = step(speculative, scheme.sampling(), vocab, logitSeed, pos + j);
        int d = r.nextInt(3) == 0 ? (x + 1 + r.nextInt(vocab - 1)) % vocab : x;
        batch.accept(0, d);
        if (reject < 0) {
          kept[pos + j] = d;
          if (d != x) {
            reject = j;
            replacement = x;
          }
        }
      }
      int bonus = step(speculative, scheme.sampling(), vocab, logitSeed, pos + drafts);
      if (reject >= 0) {
        batch.rollback(0, drafts - reject);
        rolledBack += drafts - reject;
        batch.accept(0, replacement);
        kept[pos + reject] = replacement;
        pos += reject + 1;
      } else {
        batch.accept(0, bonus);
        kept[pos + drafts] = bonus;
        pos += drafts + 1;
      }
    }
    for (int t = 0; t < pos; t++) {
      int x = step(alone, scheme.sampling(), vocab, logitSeed, t);
      assertEquals(x, kept[t], "token " + t + " of " + pos + " (" + rolledBack + " rolled back)");
      alone.accept(x);
    }
    assertEquals(alone.vllmTrace(), speculative.vllmTrace(), "trace");
    assertSameState(alone, speculative, scheme.sampling(), vocab, r.nextLong());
  }

  /** The token a stack emits at {@code position}: logits and draws are the position's own. */
  private static int step(
      WatermarkSession s, boolean sampling, int vocab, long logitSeed, int position) {
    SplittableRandom r = new SplittableRandom(logitSeed + 0x9E3779B97F4A7C15L * position);
    float[] logits = new float[vocab];
    for (int i = 0; i < vocab; i++) {
      logits[i] = (float) (1.5 * r.nextGaussian());
    }
    if (sampling) {
      return s.sample(logits, 1.0, r);
    }
    s.bias(logits);
    int best = 0;
    for (int i = 1; i < vocab; i++) {
      if (logits[i] > logits[best]) {
        best = i;
      }
    }
    return best;
  }

  private static void assertSameState(
      WatermarkSession want, WatermarkSession got, boolean sampling, int vocab, long seed) {
    assertEquals(want.watermarking(), got.watermarking(), "watermarking()");
    SplittableRandom r = new SplittableRandom(seed);
    float[] logits = new float[vocab];
    for (int i = 0; i < vocab; i++) {
      logits[i] = (float) (2 * r.nextGaussian());
    }
    if (sampling) {
      long draw = r.nextLong();
      for (double temperature : new double[] {0.5, 1.0}) {
        assertEquals(
            want.sample(logits, temperature, new SplittableRandom(draw)),
            got.sample(logits, temperature, new SplittableRandom(draw)));
      }
    } else {
      float[] a = logits.clone();
      want.bias(a);
      got.bias(logits);
      assertArrayEquals(a, logits);
    }
  }

  @Test
  void rollbackBeyondThePendingDraftsIsRefused() {
    SplittableRandom r = new SplittableRandom(5);
    WatermarkSession kgw = scheme(0, r).watermarker().newSession();
    SessionBatch batch = new SessionBatch(new WatermarkSession[] {kgw}, 2);
    for (int t = 1; t <= 3; t++) {
      batch.accept(0, t);
    }
    assertEquals(2, batch.pending(0), "only maxDraft accepts are kept");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> batch.rollback(0, 3));
    assertEquals("cannot roll back 3 tokens in row 0: 2 pending", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> batch.accept(0, -1));
    assertEquals(2, batch.pending(0), "a refused token is not recorded");

    assertThrows(
        IllegalArgumentException.class,
        () -> batch.bias(new float[10], new int[] {5}, 1, 10),
        "a row past the end of the logits");
  }
}
