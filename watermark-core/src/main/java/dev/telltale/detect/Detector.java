package dev.telltale.detect;

import dev.telltale.collect.ThreadScratch;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.VllmDualKeyGumbelParameters;
import dev.telltale.scheme.VllmGumbelParameters;
import dev.telltale.scheme.VllmParameters;
import dev.telltale.scheme.VllmRedGreenParameters;
import dev.telltale.scheme.VllmSbwParameters;
import dev.telltale.scheme.VllmSynthIdParameters;
import dev.telltale.stats.TailProbability;
import dev.telltale.stats.Tails;
import dev.telltale.stats.VllmTails;
import dev.telltale.text.Deadline;
import dev.telltale.text.DeadlineExceededException;
import dev.telltale.text.DetectionNormalizer;
import dev.telltale.text.NormalForm;
import dev.telltale.text.Tokenizer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Tests token ids or text for one key's watermark with an exact p-value: {@code P[Binomial(n,
 * gamma) >= G]} for green-list keys, {@code P[Gamma(n, 1) >= S]} for Gumbel keys, {@code
 * P[Binomial(n depth, 1/2) >= G]} for vLLM SynthID keys (G the g-values equal to 1), where n counts
 * (window, token) tuples after deduplication. Immutable and thread-safe.
 */
public final class Detector {
  private final TupleScorer scorer;
  private final Tokenizer tokenizer;
  private final DetectionPolicy policy;
  private final boolean greenList;
  private final double gamma;
  // Dual-key Gumbel detection alpha; NaN for every other scheme.
  private final double dualAlpha;
  // SynthID's depth (g-values per token); 0 for every other scheme.
  private final int synthIdDepth;

  private Detector(WatermarkKey key, Tokenizer tokenizer, DetectionPolicy policy) {
    this.scorer = TupleScorer.of(key, tokenizer);
    this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.greenList =
        key.parameters() instanceof GreenListParameters
            || (key.parameters() instanceof VllmParameters v && v.countsGreen());
    this.gamma =
        key.parameters() instanceof GreenListParameters g
            ? g.effectiveGamma()
            : key.parameters() instanceof VllmParameters v && v.countsGreen()
                ? v.effectiveGamma()
                : 0;
    this.dualAlpha =
        key.parameters() instanceof VllmDualKeyGumbelParameters d ? d.detectionAlpha() : Double.NaN;
    this.synthIdDepth = key.parameters() instanceof VllmSynthIdParameters si ? si.depth() : 0;
  }

  public static Detector of(WatermarkKey key, Tokenizer tokenizer, DetectionPolicy policy) {
    return new Detector(key, tokenizer, policy);
  }

  public TupleScorer scorer() {
    return scorer;
  }

  public Tokenizer tokenizer() {
    return tokenizer;
  }

  public DetectionPolicy policy() {
    return policy;
  }

  /**
   * Re-tokenizes {@code text} in each form of {@link FormTokens#DEFAULT_FAMILY} (the text as given,
   * and {@link DetectionNormalizer}'s hardened forms: invisible characters removed, look-alike
   * letters and white space folded) and tests each distinct token sequence; the smallest decisive
   * p-value, times the number of sequences tested, decides ({@link Detection#normalForm()} names
   * the form).
   */
  public Detection detectText(String text) {
    return detectForms(FormTokens.encode(tokenizer, text, FormTokens.DEFAULT_FAMILY));
  }

  /**
   * Tests each token sequence and keeps the one with the smallest decisive p-value (the first in
   * order on a tie), Bonferroni-corrected for their number.
   */
  public Detection detectForms(java.util.List<FormTokens> forms) {
    Detection best = null;
    NormalForm bestForm = null;
    FormScoring shared = forms.size() > 1 && scorer.scoresFingerprints() ? new FormScoring() : null;
    for (FormTokens f : forms) {
      Detection d = shared == null ? detectTokens(f.ids(), 0, f.ids().length) : shared.detect(f);
      if (best == null || d.decisive().log10PValue() < best.decisive().log10PValue()) {
        best = d;
        bestForm = f.form();
      }
    }
    if (best == null) {
      throw new IllegalArgumentException("no normal form to test");
    }
    return best.withNormalForm(bestForm, forms.size(), policy.alpha());
  }

  /**
   * {@link #detectText(String)}, stopping with {@link DeadlineExceededException} once {@code
   * deadline} passes (checked while tokenising and before scoring).
   */
  public Detection detectText(String text, Deadline deadline) {
    List<FormTokens> forms =
        FormTokens.encode(tokenizer, text, FormTokens.DEFAULT_FAMILY, deadline);
    deadline.check();
    return detectForms(forms);
  }

  /**
   * Scores the forms of one text with one tape, cleared between forms, and the fingerprints of each
   * form kept: a form's position whose whole tuple lies in a run of ids copied from an earlier form
   * ({@link FormTokens.Shared}) takes that form's fingerprint instead of hashing it again. The
   * fingerprint of a position is a function of its tuple's ids alone and the tape sees the same
   * fingerprints in the same order, so each detection is {@link #detectTokens}'s.
   */
  private final class FormScoring {
    private final int h = scorer.parameters().contextWidth();
    private final long[] scratch = new long[256];
    private final java.util.IdentityHashMap<int[], long[]> known =
        new java.util.IdentityHashMap<>();
    private final ScoreAccumulator acc = new ScoreAccumulator();
    private int scored; // forms scored so far: the k-th takes this thread's k-th buffer

    Detection detect(FormTokens f) {
      int[] ids = f.ids();
      int n = ids.length;
      long[] u = fingerprintBuffer(scored++, Math.max(0, n - h));
      long[] source = known.get(f.shared().source());
      int[] runs = f.shared().runs();
      int next = h; // the first position not yet fingerprinted
      if (source != null) {
        for (int r = 0; r < runs.length; r += 3) {
          // Positions whose tuple ids[i - h .. i] lies in the run [start, start + len).
          int start = runs[r];
          int from = Math.max(start + h, h);
          int to = start + runs[r + 2];
          if (from >= to) {
            continue;
          }
          if (from > next) {
            scorer.fingerprints(ids, next, from, u, next - h, scratch);
          }
          System.arraycopy(source, runs[r + 1] + (from - start) - h, u, from - h, to - from);
          next = Math.max(next, to);
        }
      }
      if (next < n) {
        scorer.fingerprints(ids, next, n, u, next - h, scratch);
      }
      known.put(ids, u);
      ExactTape tape = TapeScratch.take();
      acc.reset();
      ScoreTrace trace = policy.window() ? new ScoreTrace() : null;
      scorer.scoreFingerprints(u, n, tape, acc, trace);
      TapeScratch.release(tape);
      if (u.length > ThreadScratch.KEPT) {
        FINGERPRINTS.get()[scored - 1] = null; // let go of what a huge text grew
      }
      return fromTotals(n, acc, trace);
    }
  }

  /** Each thread's fingerprint arrays for the forms of one text (a family has at most 4). */
  private static final ThreadLocal<long[][]> FINGERPRINTS =
      ThreadLocal.withInitial(() -> new long[4][]);

  /** This thread's {@code k}-th fingerprint buffer, at least {@code length} long. */
  private static long[] fingerprintBuffer(int k, int length) {
    long[][] buffers = FINGERPRINTS.get();
    if (k >= buffers.length) {
      return new long[length];
    }
    if (buffers[k] == null || buffers[k].length < length) {
      buffers[k] = new long[Math.max(length, 1024)];
    }
    return buffers[k];
  }

  /** Tests {@code ids[off .. off+len)}. */
  public Detection detectTokens(int[] ids, int off, int len) {
    return scoreTokens(ids, off, len, policy.window() ? new ScoreTrace() : null);
  }

  /**
   * {@link #detectTokens(int[], int, int)}, leaving the pass's trace in {@code trace} (cleared
   * first): the position (relative to {@code off}) and value of every scored tuple, for a check
   * that splits them afterwards ({@link SpreadCheck#check(ScoreTrace, int[], int, boolean)})
   * instead of scoring the tokens again.
   */
  public Detection detectTokens(int[] ids, int off, int len, ScoreTrace trace) {
    trace.clear();
    return scoreTokens(ids, off, len, trace);
  }

  private Detection scoreTokens(int[] ids, int off, int len, ScoreTrace trace) {
    ScoreAccumulator acc = new ScoreAccumulator();
    ExactTape tape = TapeScratch.take();
    scorer.score(ids, off, len, tape, acc, trace);
    TapeScratch.release(tape);
    Detection d = fromTotals(len, acc, policy.window() ? trace : null);
    VllmTupleScorer vllm = scorer.vllm();
    return vllm == null ? d : d.withVllmPValue(vllmFigures(vllm, ids, off, len).pValue());
  }

  /**
   * For a vLLM key, what vLLM's own detector reports for {@code ids[off .. off+len)}; empty for
   * Telltale's schemes.
   */
  public Optional<VllmFigures> vllmFigures(int[] ids, int off, int len) {
    if (off < 0 || len < 0 || off + len > ids.length) {
      throw new IndexOutOfBoundsException("token range out of bounds");
    }
    VllmTupleScorer vllm = scorer.vllm();
    return vllm == null ? Optional.empty() : Optional.of(vllmFigures(vllm, ids, off, len));
  }

  /**
   * The p-value vLLM's own detector gives {@code ids[off .. off+len)}: its deduplication and its
   * statistic (for SBW a normal approximation over tokens deduplicated by context).
   */
  static VllmFigures vllmFigures(VllmTupleScorer vllm, int[] ids, int off, int len) {
    double[] ns = vllm.scoreAsVllm(ids, off, len);
    long n = (long) ns[0];
    VllmParameters p = vllm.prf().parameters();
    double pv;
    if (p instanceof VllmGumbelParameters) {
      pv = VllmTails.gumbel(n, ns[1]);
    } else if (p instanceof VllmDualKeyGumbelParameters d) {
      pv = VllmTails.dualKey(n, ns[1], d.detectionAlpha());
    } else if (p instanceof VllmRedGreenParameters rg) {
      pv = VllmTails.binomialSurvival(Math.round(ns[1]), n, rg.gamma());
    } else if (p instanceof VllmSynthIdParameters si) {
      // vLLM reports the mean g-value and tests the count of ones over n * depth bits.
      long trials = n * si.depth();
      double mean = trials == 0 ? 0.0 : ns[1] / trials;
      return new VllmFigures(
          n, mean, trials == 0 ? 1.0 : VllmTails.synthId(Math.round(mean * trials), trials));
    } else {
      pv = VllmTails.sbw(n, ns[1], ((VllmSbwParameters) p).gamma());
    }
    return new VllmFigures(n, ns[1], pv);
  }

  /** Builds the detection of already accumulated totals (e.g. pooled over a corpus). */
  public Detection fromTotals(int tokens, ScoreAccumulator acc, ScoreTrace trace) {
    long n = acc.scored();
    double score = greenList ? acc.green() : acc.sum();
    TailProbability p = tail(n, score);
    double expected;
    double z;
    if (synthIdDepth > 0) {
      expected = n * synthIdDepth / 2.0;
      z = n == 0 ? 0.0 : Tails.binomialZ(n * synthIdDepth, Math.round(acc.sum()), 0.5);
    } else {
      expected = greenList ? n * gamma : n;
      z = greenList ? Tails.binomialZ(n, acc.green(), gamma) : gammaZ(n, acc.sum());
    }
    Optional<WindowResult> window =
        trace == null ? Optional.empty() : Optional.of(BestWindow.search(trace, p, policy, this));
    TailProbability decisive = window.map(WindowResult::corrected).orElse(p);
    Verdict verdict =
        decisive.log10PValue() <= Math.log10(policy.alpha())
            ? Verdict.WATERMARKED
            : Verdict.NOT_WATERMARKED;
    return new Detection(
        scorer.keyId(),
        scorer.parameters().schemeName(),
        tokens,
        n,
        acc.duplicates(),
        score,
        expected,
        z,
        p,
        window,
        verdict);
  }

  // z of a Gumbel sum; the dual-key statistic has variance ((1-a)^2 + a^2) per token.
  private double gammaZ(long n, double sum) {
    if (Double.isNaN(dualAlpha) || n == 0) {
      return Tails.gammaZ(n, sum);
    }
    double var = (1 - dualAlpha) * (1 - dualAlpha) + dualAlpha * dualAlpha;
    return (sum - n) / Math.sqrt(n * var);
  }

  /** Exact upper tail of {@code score} over {@code n} scored tuples under this key's null. */
  public TailProbability tail(long n, double score) {
    if (n == 0) {
      return TailProbability.ONE;
    }
    if (!Double.isNaN(dualAlpha)) {
      return VllmTails.dualKeyExact(n, score, dualAlpha);
    }
    if (synthIdDepth > 0) {
      // Scored tuples are distinct (context, token) pairs, whose Philox words are independent
      // under the null: the count of ones is Binomial(n * depth, 1/2) exactly.
      return Tails.binomialUpper(n * synthIdDepth, Math.round(score), 0.5);
    }
    return greenList
        ? Tails.binomialUpper(n, Math.round(score), gamma)
        : Tails.gammaUpper(n, score);
  }
}
