package dev.telltale.embed;

import dev.telltale.prf.Philox4x32;
import dev.telltale.prf.PhiloxCandidateWords;

/**
 * vLLM's Gumbel choice of one step, exactly: the first index of the largest float32 {@code l / T +
 * (-ln(-ln u))} over the candidates, {@code u} the uniform of the candidate's Philox word (clamped
 * below at the smallest normal float), both logarithms in float as vLLM takes them. Computed
 * without most of the work the rule writes out, by bounds that never exclude a candidate that could
 * win or tie:
 *
 * <ol>
 *   <li>the most likely candidate's value is computed first; no float noise exceeds {@link
 *       #MAX_NOISE}, so a candidate whose {@code l + MAX_NOISE} is below that value cannot win, and
 *       its Philox block is never computed (on the vector path, a batch of 64 candidates none of
 *       which is in reach);
 *   <li>the others' words come in one batch ({@link PhiloxCandidateWords}: Vector API lanes when
 *       the module is present);
 *   <li>on the vector path, {@link VectorGumbelPrefilter} bounds every value from above in float
 *       lanes and keeps the few candidates that reach the top one's value;
 *   <li>each remaining word bounds its noise from above and below without a logarithm; only
 *       candidates whose upper bound reaches the best lower bound pay the two float logarithms.
 * </ol>
 *
 * <p>Both paths pick the same index ({@code VllmGumbelPruningTest}).
 *
 * <p>Not thread-safe: one per session; its scratch grows (by doubling) to the largest candidate
 * count seen, so a step allocates nothing.
 */
final class VllmGumbelArgmax {
  /**
   * Above the largest float32 noise any word gives: {@code -ln(-ln(1 - 2^-24))} in float is
   * 16.635532; the gap covers the rounding of {@code l + MAX_NOISE} below (rounding is monotone, so
   * a candidate pruned by {@code l + MAX_NOISE < best} has a value below {@code best}, never
   * equal).
   */
  static final float MAX_NOISE = 16.65f;

  /** {@code ln 2 - 1 - ln ln 2}: how far the chord of {@code log2} lies below it, in nats. */
  static final double CHORD_GAP = 0.0597;

  private static final double NATS_PER_BIT = Math.log(2) / 0x1p52;
  private static final double UPPER = (25 + 1023) * Math.log(2);
  private static final double EPS = 1e-5;
  private static final double REL = 1e-6;

  /** The vector path's cuts in lanes: each may keep more candidates than can win, never fewer. */
  interface Prefilter {
    /**
     * Whether some {@code from <= i < to} has {@code logits[i] * invT + maxNoise >= best} in float
     * (false only if none of these candidates can win whatever its word).
     */
    boolean reaches(float[] logits, int from, int to, float invT, float maxNoise, float best);

    /**
     * Appends to {@code out} from {@code out[count]} every index {@code from <= i < to} whose value
     * {@code logits[i] * invT + G(words[i])} might reach {@code best}, in increasing order; returns
     * the new count. {@code scratch} holds at least {@code to} floats, the caller's: a prefilter
     * keeps no state, so one serves every session and thread.
     */
    int survivors(
        float[] logits,
        int[] words,
        int from,
        int to,
        float invT,
        float best,
        int[] out,
        int count,
        float[] scratch);
  }

  /** Candidates per batch of words on the vector path: a batch out of reach is never computed. */
  private static final int CHUNK = 64;

  static final Prefilter VECTOR_PREFILTER = loadPrefilter();

  static {
    System.getLogger(VllmGumbelArgmax.class.getName())
        .log(
            System.Logger.Level.INFO,
            "vLLM Gumbel sampling: "
                + (PhiloxCandidateWords.path().startsWith("vector") && VECTOR_PREFILTER != null
                    ? "candidate words and bound prefilter in Vector API lanes"
                    : "scalar candidate words and bounds"));
  }

  private static Prefilter loadPrefilter() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return null;
    }
    try {
      return (Prefilter)
          Class.forName("dev.telltale.embed.VectorGumbelPrefilter")
              .getDeclaredConstructor()
              .newInstance();
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      return null;
    }
  }

  private final PhiloxCandidateWords prf;
  private final Prefilter prefilter; // null: the scalar path
  private final float maxNoise;
  private final double chordGap;
  private int[] index = new int[256]; // candidates whose word the step needs, in index order
  private int[] ids = new int[256]; // their token ids
  private int[] words = new int[256]; // their words
  private int[] kept = new int[256]; // positions in index[] whose upper bound reaches the floor
  private int[] all = new int[256]; // every candidate's word, by index (the vector path)
  private float[] reach; // the prefilter's scratch (the vector path)
  private boolean[] want = new boolean[0]; // the full vocabulary's wanted indices
  private int[] wide = new int[0]; // the full vocabulary's words, by index

  VllmGumbelArgmax(PhiloxCandidateWords prf) {
    this(prf, prf.isVector() ? VECTOR_PREFILTER : null, MAX_NOISE, CHORD_GAP);
  }

  /**
   * With another prefilter (null: the scalar path) and other bounds: tests check that tightening
   * any of them changes some choice.
   */
  VllmGumbelArgmax(PhiloxCandidateWords prf, Prefilter prefilter, float maxNoise, double chordGap) {
    this.prf = prf;
    this.prefilter = prefilter;
    this.reach = new float[prefilter == null ? 0 : 256];
    this.maxNoise = maxNoise;
    this.chordGap = chordGap;
  }

  /**
   * The index of the chosen candidate among {@code logits[0 .. n)} (of the tokens {@code
   * candidates[i]}, or of token {@code i} when {@code candidates} is null), at inverse temperature
   * {@code invT}, after the context absorbed under {@code key} into {@code state}.
   */
  int argmax(float[] logits, int[] candidates, int n, float invT, long key, int[] state) {
    // The most likely candidate goes first; ties still go to the first index, as vLLM's argmax
    // does.
    int top = 0;
    for (int i = 1; i < n; i++) {
      if (logits[i] > logits[top]) {
        top = i;
      }
    }
    int bestIndex = top;
    float best =
        value(
            logits[top],
            invT,
            Philox4x32.tokenWord(key, state, candidates == null ? top : candidates[top]));
    if (index.length < n) {
      int size = Math.max(n, 2 * index.length);
      index = new int[size];
      ids = new int[size];
      words = new int[size];
      kept = new int[size];
      all = new int[size];
      reach = new float[prefilter == null ? 0 : size];
    }
    int m = 0;
    int[] index = this.index;
    if (candidates != null && prefilter != null) {
      // Lanes, by batches of CHUNK candidates: the words of a batch in which some candidate's
      // logit is in reach of the top one's value, then a conservative float bound on each value;
      // the few candidates it keeps go on below with their words.
      for (int from = 0; from < n; from += CHUNK) {
        int to = Math.min(n, from + CHUNK);
        if (prefilter.reaches(logits, from, to, invT, maxNoise, best)) {
          prf.words(key, state, candidates, from, to, all);
          m = prefilter.survivors(logits, all, from, to, invT, best, index, m, reach);
        }
      }
      for (int k = 0; k < m; k++) {
        words[k] = all[index[k]];
      }
    } else if (candidates != null) {
      // The candidates the top one's value does not already exclude (best only grows, so no
      // later step needs another word), then their words in one batch.
      int[] ids = this.ids;
      for (int i = 0; i < n; i++) {
        float l = invT == 1f ? logits[i] : logits[i] * invT;
        if (i != top && !(l + maxNoise < best)) {
          index[m] = i;
          ids[m++] = candidates[i];
        }
      }
      prf.words(key, state, ids, m, words);
    } else {
      m = fullVocabularyWords(logits, n, invT, top, best, key, state);
    }
    // A bound on each value from the word alone, without a logarithm. Candidates whose upper
    // bound reaches the best lower bound so far are kept (in index order); only those still
    // reaching the final lower bound pay the two float logarithms.
    double floor = best;
    int count = 0;
    int[] words = this.words;
    int[] kept = this.kept;
    for (int k = 0; k < m; k++) {
      int i = index[k];
      if (i == top) {
        continue;
      }
      float l = invT == 1f ? logits[i] : logits[i] * invT;
      int q2 = (~words[k] >>> 7) | 1;
      double noise = noiseAbove(q2);
      double margin = EPS + REL * Math.abs(l);
      if (!(l + noise + margin >= floor)) {
        continue; // cannot reach a value some candidate certainly has (or l is NaN or -inf)
      }
      if (q2 <= (1 << 24) - 2) { // 1 - u <= 1/2: ln(1 - (1 - u)) >= -2 (1 - u)
        double low = l + noise - chordGap - 2.0 / q2 - (q2 + 2) * 0x1p-24 - margin;
        floor = Math.max(floor, low);
      }
      kept[count++] = k;
    }
    for (int c = 0; c < count; c++) {
      int k = kept[c];
      int i = index[k];
      float l = invT == 1f ? logits[i] : logits[i] * invT;
      int w = words[k];
      if (!(l + noiseAbove((~w >>> 7) | 1) + EPS + REL * Math.abs(l) >= floor)) {
        continue;
      }
      float x = value(logits[i], invT, w);
      if (x > best || (x == best && i < bestIndex)) {
        best = x;
        bestIndex = i;
      }
    }
    if (best == Float.NEGATIVE_INFINITY) {
      throw new IllegalArgumentException("every candidate logit is negative infinity");
    }
    return bestIndex;
  }

  // Candidates by index (the full vocabulary): tokens 4g .. 4g+3 share one block, so the scalar
  // chains by group beat one lane per token. Fills index[0 .. m) and words[0 .. m).
  private int fullVocabularyWords(
      float[] logits, int n, float invT, int top, float best, long key, int[] state) {
    if (want.length < n) {
      want = new boolean[Math.max(n, 2 * want.length)];
      wide = new int[want.length];
    }
    int m = 0;
    for (int i = 0; i < n; i++) {
      float l = invT == 1f ? logits[i] : logits[i] * invT;
      boolean w = i != top && !(l + maxNoise < best);
      want[i] = w;
      if (w) {
        index[m++] = i;
      }
    }
    Philox4x32.tokenWords(key, state, null, n, want, wide);
    for (int k = 0; k < m; k++) {
      words[k] = wide[index[k]];
    }
    return m;
  }

  /**
   * An upper bound on the float32 noise {@code G = -ln(-ln u)} of a word, {@code q2 = 2 (2^24 - (w
   * >>> 8)) - 1}: with {@code q = 2^24 + 1 - m} the uniform's complement {@code 1 - u} is at least
   * {@code q2 / 2^25} up to float rounding, {@code G <= -ln(1 - u)}, and {@code log2 q2} is at
   * least the chord through the powers of two around it, read off the bits of {@code (double) q2}
   * (within {@link #CHORD_GAP} nats). A lower bound is this minus the chord gap, {@code 2 / q2} and
   * {@code 2 (1 - u)}; both are compared with a margin {@code EPS + REL |l|} above every float
   * rounding of the value.
   */
  private static double noiseAbove(int q2) {
    return UPPER - NATS_PER_BIT * Double.doubleToRawLongBits(q2);
  }

  // logit / T + G with G = -ln(-ln u) in float32, u clamped below at the smallest normal float.
  static float value(float logit, float invT, int word) {
    float u = Math.max(Philox4x32.uniform(word), Float.MIN_NORMAL);
    float l1 = (float) Math.log(u);
    float l2 = (float) Math.log(-l1);
    float l = invT == 1f ? logit : logit * invT;
    return l + (-l2);
  }

  /**
   * vLLM's rule written out: every candidate's word, both float logarithms, the first index of the
   * max (what {@link #argmax} must equal; for tests and benchmarks).
   */
  static int reference(float[] logits, int[] candidates, int n, float invT, long key, int[] state) {
    int bestIndex = -1;
    float best = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      float x =
          value(
              logits[i],
              invT,
              Philox4x32.tokenWord(key, state, candidates == null ? i : candidates[i]));
      if (bestIndex < 0 || x > best) {
        best = x;
        bestIndex = i;
      }
    }
    return bestIndex;
  }
}
