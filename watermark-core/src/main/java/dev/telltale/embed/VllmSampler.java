package dev.telltale.embed;

import dev.telltale.prf.Philox4x32;
import dev.telltale.prf.PhiloxCandidateWords;
import dev.telltale.prf.VllmPrf;
import dev.telltale.scheme.VllmDedup;
import dev.telltale.scheme.VllmDualKeyGumbelParameters;
import dev.telltale.scheme.VllmParameters;
import dev.telltale.scheme.VllmRedGreenParameters;
import dev.telltale.scheme.VllmSbwParameters;
import dev.telltale.scheme.VllmSynthIdParameters;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * The generation side of vLLM's watermarks inside a {@link WatermarkSession}: context padding with
 * -1 (prompt tokens never enter the context), generation-time context deduplication, Gumbel noise
 * in float32, dual-key routing and SBW's green-list bias, all as vLLM computes them. Not
 * thread-safe; allocates only when its token history grows (by doubling).
 */
final class VllmSampler {
  private final VllmPrf prf;
  private final VllmParameters parameters;
  private final int c;
  private final boolean sbw;
  private final float sbwDelta;
  private final boolean redGreen;
  private final float redGreenGamma;
  private final float redGreenDelta;
  private final VllmSynthIdReweighting synthId; // null unless a SynthID key
  private final int maxHistory;
  private final VllmDedup dedup;
  private final double routeAlpha; // generation alpha of dual-key Gumbel, else NaN
  private final double pA;
  private final ContextPositions seen;
  private final int[] state = new int[4];
  private final int[] stateB = new int[4];
  private final VllmGumbelArgmax gumbel; // null unless a Gumbel or dual-key Gumbel key
  private double[] weights = new double[0]; // softmax weights of a skipped step
  private final long[] sbwFactors;
  private int[] tokens; // prompt (ALL mode only) followed by the generated tokens
  private int size;
  private final int floor; // index of the first generated token in tokens
  private boolean skip;
  private boolean partial;
  private long routingDraws;
  private long keyBRouted;
  private long keyBEffective;
  private long dedupSkips;
  private long partialContextSkips;
  // The dedup entry the last prepare() wrote, and what it replaced (-1: none), for undoAccept.
  private long lastFingerprint;
  private int lastPrevious = -1;

  VllmSampler(VllmPrf prf, int[] prompt, int off, int len) {
    this.prf = prf;
    this.parameters = prf.parameters();
    this.c = parameters.contextWidth();
    this.sbw = parameters instanceof VllmSbwParameters;
    this.sbwDelta = parameters instanceof VllmSbwParameters s ? (float) s.delta() : 0f;
    this.redGreen = parameters instanceof VllmRedGreenParameters;
    this.redGreenGamma =
        parameters instanceof VllmRedGreenParameters rg ? (float) rg.gamma() : Float.NaN;
    this.redGreenDelta = parameters instanceof VllmRedGreenParameters rg ? (float) rg.delta() : 0f;
    this.synthId =
        parameters instanceof VllmSynthIdParameters si
            ? new VllmSynthIdReweighting(prf.keyA(), si)
            : null;
    this.dedup = parameters.generationDedup();
    this.maxHistory =
        parameters.maxHistory().isPresent()
            ? parameters.maxHistory().getAsInt()
            : Integer.MAX_VALUE;
    if (parameters instanceof VllmDualKeyGumbelParameters d) {
      double a = d.generationAlpha();
      this.routeAlpha = a;
      float la = (float) Math.log(1 - a);
      float lb = (float) Math.log(a);
      float m = Math.max(la, lb);
      float ea = (float) Math.exp(la - m);
      float eb = (float) Math.exp(lb - m);
      this.pA = ea / (ea + eb);
    } else {
      this.routeAlpha = Double.NaN;
      this.pA = Double.NaN;
    }
    this.sbwFactors = new long[c];
    this.gumbel =
        sbw || redGreen || synthId != null ? null : new VllmGumbelArgmax(PhiloxCandidateWords.of());
    this.seen = dedup == VllmDedup.NONE ? null : new ContextPositions(1024);
    if (off < 0 || len < 0 || off + len > prompt.length) {
      throw new IndexOutOfBoundsException("prompt range out of bounds");
    }
    int p = dedup == VllmDedup.ALL ? len : 0;
    this.tokens = new int[Math.max(64, 2 * (p + c))];
    System.arraycopy(prompt, off, tokens, 0, p);
    this.floor = p;
    for (int q = 0; q < p; q++) {
      Philox4x32.absorb(prf.keyA(), tokens, 0, q, c, state);
      seen.put(VllmPrf.contextFingerprint(state), q);
    }
    this.size = p;
    prepare();
  }

  // Decides whether the step at position `size` is watermarked and absorbs its context.
  private void prepare() {
    int t = size;
    partial = dedup == VllmDedup.ALL && t - floor < c;
    skip = partial;
    if (seen != null) {
      Philox4x32.absorb(prf.keyA(), tokens, 0, t, c, state);
      long fp = VllmPrf.contextFingerprint(state);
      int last = seen.get(fp);
      if (last >= 0 && (long) last >= (long) t - maxHistory) {
        skip = true;
      }
      seen.put(fp, t);
      lastFingerprint = fp;
      lastPrevious = last;
    }
    if (!skip && sbw) {
      prf.sbwContext(tokens, floor, t, sbwFactors);
    } else if (!skip) {
      if (floor > 0 || seen == null) {
        Philox4x32.absorb(prf.keyA(), tokens, floor, t, c, state);
      }
      if (!Double.isNaN(routeAlpha)) {
        Philox4x32.absorb(prf.keyB(), tokens, floor, t, c, stateB);
      }
    }
  }

  boolean watermarking() {
    return !skip;
  }

  void accept(int token) {
    if (size == tokens.length) {
      tokens = Arrays.copyOf(tokens, size * 2);
    }
    tokens[size++] = token;
    prepare();
  }

  private void countSkip() {
    if (skip) {
      dedupSkips++;
      if (partial) {
        partialContextSkips++;
      }
    }
  }

  /**
   * SBW and red-green: adds delta to the logits of green candidates (ids from candidates, or the
   * index); SynthID: replaces the logits by its reweighted log-probabilities.
   */
  void bias(float[] logits, int[] candidates, int n) {
    if (synthId != null) {
      countSkip();
      if (!skip) {
        synthId.reweight(state, logits, candidates, n);
      }
      return;
    }
    if (redGreen) {
      countSkip();
      if (!skip) {
        for (int i = 0; i < n; i++) {
          int v = candidates == null ? i : candidates[i];
          if (Philox4x32.uniform(Philox4x32.tokenWord(prf.keyA(), state, v)) < redGreenGamma) {
            logits[i] += redGreenDelta;
          }
        }
      }
      return;
    }
    if (!sbw) {
      throw new IllegalStateException(
          "bias() is for green-list keys; a vLLM "
              + parameters.algorithm()
              + " key embeds through sample()");
    }
    countSkip();
    if (skip) {
      return;
    }
    for (int i = 0; i < n; i++) {
      int v = candidates == null ? i : candidates[i];
      if (prf.sbwGreen(prf.sbwSeed(sbwFactors, v), v)) {
        logits[i] += sbwDelta;
      }
    }
  }

  boolean isGreen(int token) {
    if (redGreen) {
      return !skip
          && Philox4x32.uniform(Philox4x32.tokenWord(prf.keyA(), state, token)) < redGreenGamma;
    }
    if (!sbw) {
      throw new IllegalStateException("isGreen() is for green-list keys");
    }
    return !skip && prf.sbwGreen(prf.sbwSeed(tokens, floor, size, token), token);
  }

  /**
   * Gumbel and dual-key Gumbel: the index of the chosen candidate. Dual-key routing draws {@code
   * random.nextDouble()} once per step, skipped or not; a skipped step samples ordinarily.
   */
  int sample(float[] logits, int[] candidates, int n, double temperature, RandomGenerator random) {
    if (sbw || redGreen || synthId != null) {
      throw new IllegalStateException(
          "sample() is for Gumbel keys; a vLLM "
              + parameters.algorithm()
              + " key embeds through bias()");
    }
    boolean useB = routeAlpha == 1.0;
    if (routeAlpha > 0.0 && routeAlpha < 1.0) {
      routingDraws++;
      useB = pA <= random.nextDouble();
      if (useB) {
        keyBRouted++;
        if (!skip) {
          keyBEffective++;
        }
      }
    }
    countSkip();
    if (skip) {
      return ordinary(logits, n, temperature, random);
    }
    long key = useB ? prf.keyB() : prf.keyA();
    int[] st = useB ? stateB : state;
    float invT = (float) (1.0 / temperature);
    return gumbel.argmax(logits, candidates, n, invT, key, st);
  }

  // A skipped step: softmax sampling; a single candidate is returned without a draw.
  private int ordinary(float[] logits, int n, double temperature, RandomGenerator random) {
    if (n == 1) {
      return 0;
    }
    if (weights.length < n) {
      weights = new double[Math.max(n, 2 * weights.length)];
    }
    return WatermarkSession.softmaxSample(logits, n, temperature, random, weights);
  }

  // Speculative decoding (SessionBatch): the state accept() changes, saved before it and restored
  // by undoAccept. The trace counters are saved with it, so a rolled-back step's draws and skips
  // are forgotten while those of the step whose token is kept remain.

  private static final int SAVED = 13;

  /** Longs {@link #saveState} writes. */
  int stateLength() {
    return SAVED + c;
  }

  void saveState(long[] buf, int off) {
    buf[off] = size;
    buf[off + 1] = (skip ? 1 : 0) | (partial ? 2 : 0);
    buf[off + 2] = lastFingerprint;
    buf[off + 3] = lastPrevious;
    buf[off + 4] = pack(state[0], state[1]);
    buf[off + 5] = pack(state[2], state[3]);
    buf[off + 6] = pack(stateB[0], stateB[1]);
    buf[off + 7] = pack(stateB[2], stateB[3]);
    buf[off + 8] = routingDraws;
    buf[off + 9] = keyBRouted;
    buf[off + 10] = keyBEffective;
    buf[off + 11] = dedupSkips;
    buf[off + 12] = partialContextSkips;
    System.arraycopy(sbwFactors, 0, buf, off + SAVED, c);
  }

  /**
   * Undoes the last accept, whose prior state {@link #saveState} wrote at {@code off}: the dedup
   * entry it wrote gets back what it replaced (-1 reads as absent), then the saved state returns.
   */
  void undoAccept(long[] buf, int off) {
    if (seen != null) {
      seen.put(lastFingerprint, lastPrevious);
    }
    size = (int) buf[off];
    skip = (buf[off + 1] & 1) != 0;
    partial = (buf[off + 1] & 2) != 0;
    lastFingerprint = buf[off + 2];
    lastPrevious = (int) buf[off + 3];
    unpack(buf[off + 4], state, 0);
    unpack(buf[off + 5], state, 2);
    unpack(buf[off + 6], stateB, 0);
    unpack(buf[off + 7], stateB, 2);
    routingDraws = buf[off + 8];
    keyBRouted = buf[off + 9];
    keyBEffective = buf[off + 10];
    dedupSkips = buf[off + 11];
    partialContextSkips = buf[off + 12];
    System.arraycopy(buf, off + SAVED, sbwFactors, 0, c);
  }

  private static long pack(int hi, int lo) {
    return ((long) hi << 32) | (lo & 0xFFFFFFFFL);
  }

  private static void unpack(long v, int[] into, int at) {
    into[at] = (int) (v >>> 32);
    into[at + 1] = (int) v;
  }

  VllmGenerationTrace trace() {
    return new VllmGenerationTrace(
        routingDraws, keyBRouted, keyBEffective, dedupSkips, partialContextSkips);
  }
}
