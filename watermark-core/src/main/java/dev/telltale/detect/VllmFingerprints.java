package dev.telltale.detect;

import dev.telltale.key.WatermarkKey;
import dev.telltale.prf.Philox4x32;
import dev.telltale.prf.PhiloxBatch;
import dev.telltale.prf.VllmPrf;
import dev.telltale.prf.WatermarkPrf;
import dev.telltale.scheme.VllmDualKeyGumbelParameters;
import dev.telltale.scheme.VllmParameters;
import dev.telltale.scheme.VllmRedGreenParameters;
import dev.telltale.scheme.VllmSbwParameters;
import dev.telltale.scheme.VllmSynthIdParameters;
import dev.telltale.stats.TailProbability;
import dev.telltale.stats.Tails;
import dev.telltale.stats.VllmTails;

/**
 * The 64-bit tuple fingerprints of vLLM keys, which carry the tuple's score so that pooled totals
 * (corpus scans, radioactivity) recompute it from the fingerprint alone, as they do for Telltale's
 * schemes:
 *
 * <ul>
 *   <li>Gumbel: the top 40 bits of a keyed context digest, then the 24-bit Philox mantissa of the
 *       token;
 *   <li>dual-key Gumbel: 16 bits of the digest, then the mantissas under key A and key B;
 *   <li>red-green: as Gumbel (green when the mantissa's uniform is below gamma);
 *   <li>SBW: a 63-bit hash of (effective seed, token), then the green bit;
 *   <li>SynthID: a hash of (context digest, token) above the token's {@code depth} g-value bits
 *       (the low bits of its raw Philox word).
 * </ul>
 *
 * The mantissas are keyed PRF values of (context, token), so the whole fingerprint is a 64-bit hash
 * of the tuple. Not thread-safe (a scratch state per instance).
 */
public final class VllmFingerprints {
  private static final long LOW24 = 0xFFFFFFL;
  static final int BLOCK = 64;

  private final VllmPrf prf;
  private final VllmParameters parameters;
  private final int c;
  private final boolean sbw;
  private final boolean dual;
  private final boolean redGreen;
  private final float redGreenGamma;
  private final double alpha;
  // SynthID: its parameters and the mask of the g-value bits; null and 0 otherwise.
  private final VllmSynthIdParameters synthId;
  private final long synthIdMask;
  private final int[] st = new int[4];
  private long lastContext;
  private final long[] blockFingerprints = new long[BLOCK];
  private final long[] blockContexts = new long[BLOCK];
  private final int[] blockKept = new int[BLOCK];
  private final double[] blockScores = new double[BLOCK];
  // the Philox work of a block of tokens (its own lane scratch)
  private final PhiloxBatch batch;

  VllmFingerprints(VllmPrf prf) {
    this(prf, PhiloxBatch.of(BLOCK));
  }

  /** With the Philox path {@code batch} (tests compare the paths), of capacity {@link #BLOCK}. */
  VllmFingerprints(VllmPrf prf, PhiloxBatch batch) {
    this.batch = batch;
    this.prf = prf;
    this.parameters = prf.parameters();
    this.c = parameters.contextWidth();
    this.sbw = parameters instanceof VllmSbwParameters;
    this.redGreen = parameters instanceof VllmRedGreenParameters;
    this.redGreenGamma =
        parameters instanceof VllmRedGreenParameters rg ? (float) rg.gamma() : Float.NaN;
    this.dual = parameters instanceof VllmDualKeyGumbelParameters;
    this.alpha = parameters instanceof VllmDualKeyGumbelParameters d ? d.detectionAlpha() : 0.0;
    this.synthId = parameters instanceof VllmSynthIdParameters si ? si : null;
    this.synthIdMask = synthId == null ? 0L : synthId.gMask() & 0xFFFFFFFFL;
  }

  /** Fingerprints of a vLLM key. */
  public static VllmFingerprints of(WatermarkKey key) {
    return new VllmFingerprints(VllmPrf.of(key));
  }

  public VllmParameters parameters() {
    return parameters;
  }

  /**
   * The fingerprint of token {@code v} after the context {@code tokens[end-C .. end)}, the token -1
   * before {@code floor}.
   */
  public long fingerprint(int[] tokens, int floor, int end, int v) {
    if (sbw) {
      long seed = prf.sbwSeed(tokens, floor, end, v);
      long green = prf.sbwGreen(seed, v) ? 1 : 0;
      lastContext = 0;
      return (WatermarkPrf.bits(seed, v) & ~1L) | green;
    }
    Philox4x32.absorb(prf.keyA(), tokens, floor, end, c, st);
    long digest = VllmPrf.contextFingerprint(st);
    lastContext = digest;
    if (synthId != null) {
      long word = Philox4x32.tokenWord(prf.keyA(), st, v) & synthIdMask;
      return (WatermarkPrf.bits(digest, v) & ~synthIdMask) | word;
    }
    long ma = (Philox4x32.tokenWord(prf.keyA(), st, v) >>> 8) & LOW24;
    if (!dual) {
      return (digest & ~LOW24) | ma;
    }
    Philox4x32.absorb(prf.keyB(), tokens, floor, end, c, st);
    long mb = (Philox4x32.tokenWord(prf.keyB(), st, v) >>> 8) & LOW24;
    return (digest & 0xFFFF000000000000L) | (ma << 24) | mb;
  }

  /**
   * The fingerprints of the tokens {@code tokens[from .. to)}, each after its own context (-1
   * before {@code floor}), into {@code fps[0 .. to-from)}, and their context digests (as {@link
   * #lastContext}) into {@code contexts}.
   */
  void fingerprints(int[] tokens, int floor, int from, int to, long[] fps, long[] contexts) {
    assert to - from <= BLOCK;
    if (sbw) {
      for (int i = from; i < to; i++) {
        fps[i - from] = fingerprint(tokens, floor, i, tokens[i]);
        contexts[i - from] = 0;
      }
      return;
    }
    // The same values as fingerprint(), stage by stage over the block: each stage's Philox blocks
    // are independent of one another, so they run as parallel chains.
    int n = to - from;
    batch.contextsAndWords(prf.keyA(), tokens, floor, from, to, c, contexts);
    if (synthId != null) {
      for (int j = 0; j < n; j++) {
        long word = batch.word(j) & synthIdMask;
        fps[j] = (WatermarkPrf.bits(contexts[j], tokens[from + j]) & ~synthIdMask) | word;
      }
      return;
    }
    if (!dual) {
      for (int j = 0; j < n; j++) {
        fps[j] = (contexts[j] & ~LOW24) | ((batch.word(j) >>> 8) & LOW24);
      }
      return;
    }
    for (int j = 0; j < n; j++) {
      fps[j] = (contexts[j] & 0xFFFF000000000000L) | (((batch.word(j) >>> 8) & LOW24) << 24);
    }
    batch.absorbEach(prf.keyB(), tokens, floor, from, to, c);
    batch.tokenWordEach(prf.keyB(), tokens, from, to);
    for (int j = 0; j < n; j++) {
      fps[j] |= (batch.word(j) >>> 8) & LOW24;
    }
  }

  /** Scratch of {@link #fingerprints} for one block of tokens. */
  long[] blockFingerprints() {
    return blockFingerprints;
  }

  long[] blockContexts() {
    return blockContexts;
  }

  /** Scratch of {@link #scores} for one block of tokens. */
  double[] blockScores() {
    return blockScores;
  }

  /**
   * {@link #score} of each of {@code fps[0 .. n)} into {@code out[0 .. n)}, the same bits; the
   * Gumbel scores of a block on the path of this instance's Philox work (lanes once it runs them).
   */
  void scores(long[] fps, int n, double[] out) {
    assert n <= BLOCK;
    if (!sbw && !redGreen && synthId == null && !dual) {
      batch.gumbelScores(fps, n, out);
      return;
    }
    for (int j = 0; j < n; j++) {
      out[j] = score(fps[j]);
    }
  }

  /** Scratch of the scorer: the indices, within a block, of the tuples it scores. */
  int[] blockKept() {
    return blockKept;
  }

  /** The context digest of the last {@link #fingerprint} (Gumbel schemes; 0 for SBW). */
  long lastContext() {
    return lastContext;
  }

  /** Whether the scheme counts green tuples (SBW) rather than summing scores. */
  public boolean greenList() {
    return sbw || redGreen;
  }

  /** The green bit a fingerprint carries (SBW, red-green). */
  public long green(long fingerprint) {
    if (redGreen) {
      return uniform(fingerprint & LOW24) < redGreenGamma ? 1 : 0;
    }
    return fingerprint & 1L;
  }

  /** The score a fingerprint carries: green bit (SBW) or the Gumbel score vLLM computes. */
  public double score(long fingerprint) {
    if (sbw || redGreen) {
      return green(fingerprint);
    }
    if (synthId != null) {
      return Long.bitCount(fingerprint & synthIdMask);
    }
    if (!dual) {
      return mantissaScore(fingerprint & LOW24);
    }
    double sa = mantissaScore((fingerprint >>> 24) & LOW24);
    double sb = mantissaScore(fingerprint & LOW24);
    return (1 - alpha) * sa + alpha * sb;
  }

  private static double mantissaScore(long m) {
    return VllmPrf.gumbelScoreOfMantissa((int) m);
  }

  private static float uniform(long m) {
    return (float) ((m + 1) / 16777217.0);
  }

  /**
   * The null mean of a tuple's score: the share of green tuples (SBW, red-green), 1 (a Gumbel
   * score), {@code depth / 2} (SynthID's g-value count).
   */
  public double nullMean() {
    return parameters.nullMean();
  }

  /** Telltale's exact tail of {@code score} over {@code n} distinct tuples. */
  public TailProbability tail(long n, double score) {
    if (n == 0) {
      return TailProbability.ONE;
    }
    if (greenList()) {
      return Tails.binomialUpper(n, Math.round(score), parameters.effectiveGamma());
    }
    if (dual) {
      return VllmTails.dualKeyExact(n, score, alpha);
    }
    if (synthId != null) {
      // Distinct (context, token) tuples read distinct Philox words: n * depth fair bits.
      return Tails.binomialUpper(n * synthId.depth(), Math.round(score), 0.5);
    }
    return Tails.gammaUpper(n, score);
  }
}
