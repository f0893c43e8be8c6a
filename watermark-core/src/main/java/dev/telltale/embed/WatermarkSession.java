package dev.telltale.embed;

import dev.telltale.collect.LongOpenHashSet;
import dev.telltale.prf.PayloadPrf;
import dev.telltale.prf.WatermarkPrf;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.text.ContextSkip;
import java.util.random.RandomGenerator;

/**
 * Watermarking state of one generated sequence: the last h tokens. Not thread-safe; one per
 * sequence. Call {@link #bias} (green list) or {@link #sample} (Gumbel) for each position, then
 * {@link #accept} with the token the stack emitted. Nothing here allocates per token.
 *
 * <p>Positions with fewer than h preceding tokens carry no watermark (the detector skips them). For
 * Gumbel, a context window already seen in this sequence is sampled ordinarily with the caller's
 * random generator: the detector scores each (window, token) tuple once, and a repeated
 * deterministic choice would only make the text loop.
 *
 * <p>With an account payload, {@link #bias} adds {@code delta} to every green token exactly as
 * without one, and the payload delta on top to the green tokens whose payload colour spells the
 * account's symbol at the position this context carries: the green list itself never changes.
 */
public final class WatermarkSession {
  private static final double LN2 = Math.log(2);

  /** Largest Gumbel value {@code -ln(-ln r)} any 53-bit r can give (r = 1 - 2^-54). */
  private static final double MAX_GUMBEL = 54 * Math.log(2);

  private final WatermarkPrf prf;
  private final int h;
  private final boolean greenList;
  private final boolean selfHash;
  private final float delta;
  private final long threshold;
  private final int[] window;
  private final LongOpenHashSet seenContexts;
  private final PayloadPrf payloadPrf;
  private final int[] accountSymbols;
  private final float payloadDelta;
  private final VllmSampler vllm;
  private final double plainShare;
  // The robust-context class (tokens that never enter a context), or null for ordinary keys.
  private final ContextSkip skip;
  private int filled;
  private long seed;
  private boolean repeated;
  private long payloadSeed;
  private int payloadSymbol;

  WatermarkSession(Watermarker watermarker, int[] prompt, int off, int len) {
    this.prf = watermarker.prf();
    this.h = prf.contextWidth();
    this.greenList = watermarker.parameters() instanceof GreenListParameters;
    this.selfHash = prf.selfHash();
    this.delta = watermarker.parameters() instanceof GreenListParameters g ? (float) g.delta() : 0f;
    this.threshold = prf.greenThreshold();
    this.window = new int[h];
    this.seenContexts = greenList ? null : new LongOpenHashSet(1024);
    this.payloadPrf = watermarker.payloadPrf();
    this.accountSymbols = watermarker.accountSymbols();
    this.payloadDelta = payloadPrf == null ? 0f : (float) payloadPrf.parameters().delta();
    this.plainShare = watermarker.plainShare();
    this.skip = watermarker.contextSkip();
    if (off < 0 || len < 0 || off + len > prompt.length) {
      throw new IndexOutOfBoundsException("prompt range out of bounds");
    }
    this.vllm =
        watermarker.vllmPrf() == null
            ? null
            : new VllmSampler(watermarker.vllmPrf(), prompt, off, len);
    if (vllm != null) {
      return;
    }
    int start = Math.max(off, off + len - h);
    if (skip != null) {
      // the context starts with the last h kept tokens of the prompt
      start = off + len;
      for (int kept = 0; start > off && kept < h; ) {
        start--;
        kept += skip.skips(prompt[start]) ? 0 : 1;
      }
    }
    for (int i = start; i < off + len; i++) {
      accept(prompt[i]);
    }
  }

  /** Whether the next position carries the watermark (full context, and for Gumbel unseen). */
  public boolean watermarking() {
    if (vllm != null) {
      return vllm.watermarking();
    }
    return filled >= h && !repeated;
  }

  /**
   * Adds {@code delta} to the logit of every green token; {@code logits} is indexed by token id and
   * covers the whole vocabulary. Non-green logits are untouched.
   */
  public void bias(float[] logits) {
    if (vllm != null) {
      vllm.bias(logits, null, logits.length);
      return;
    }
    requireGreenList();
    if (filled < h) {
      return;
    }
    if (payloadPrf != null) {
      biasWithPayload(logits, null, logits.length);
      return;
    }
    if (selfHash) {
      for (int v = 0; v < logits.length; v++) {
        if ((WatermarkPrf.bits(prf.selfHashSeed(window, h, v), v) >>> 11) < threshold) {
          logits[v] += delta;
        }
      }
      return;
    }
    BiasKernels.greenBias(logits, 0, logits.length, seed, threshold, delta);
  }

  /**
   * Biases a candidate set: {@code logits[i]} is the logit of token {@code candidates[i]}, for
   * {@code i < n}. Use after the stack's top-k/top-p cut.
   */
  public void bias(float[] logits, int[] candidates, int n) {
    if (vllm != null) {
      checkCandidates(logits, candidates, n);
      vllm.bias(logits, candidates, n);
      return;
    }
    requireGreenList();
    checkCandidates(logits, candidates, n);
    if (filled < h) {
      return;
    }
    if (payloadPrf != null) {
      biasWithPayload(logits, candidates, n);
      return;
    }
    if (selfHash) {
      for (int i = 0; i < n; i++) {
        if (isGreen(candidates[i])) {
          logits[i] += delta;
        }
      }
      return;
    }
    final long s = seed;
    final long t = threshold;
    final int deltaBits = Float.floatToRawIntBits(delta);
    for (int i = 0; i < n; i++) {
      int mask = (int) -WatermarkPrf.greenBit(WatermarkPrf.bits(s, candidates[i]), t);
      logits[i] += Float.intBitsToFloat(deltaBits & mask);
    }
  }

  /** Whether {@code token} is green at the next position (false before the context is full). */
  public boolean isGreen(int token) {
    if (vllm != null) {
      return vllm.isGreen(token);
    }
    requireGreenList();
    if (filled < h) {
      return false;
    }
    long s = selfHash ? prf.selfHashSeed(window, h, token) : seed;
    return (WatermarkPrf.bits(s, token) >>> 11) < threshold;
  }

  /**
   * Gumbel-max choice over the whole vocabulary ({@code logits} indexed by token id) at {@code
   * temperature}; returns the token id. Distortion-free: over keys, the token is distributed as
   * softmax(logits / temperature).
   */
  public int sample(float[] logits, double temperature, RandomGenerator random) {
    if (vllm != null) {
      checkTemperature(temperature);
      return vllm.sample(logits, null, logits.length, temperature, random);
    }
    requireGumbel();
    checkTemperature(temperature);
    int n = logits.length;
    if (!keyedStep(random)) {
      return softmaxSample(logits, n, temperature, random);
    }
    return skip == null
        ? gumbelArgmax(logits, null, n, temperature)
        : robustChoice(logits, null, n, temperature, random);
  }

  /**
   * Gumbel-max choice over a candidate set ({@code logits[i]} belongs to {@code candidates[i]},
   * {@code i < n}); returns the chosen token id.
   */
  public int sample(
      float[] logits, int[] candidates, int n, double temperature, RandomGenerator random) {
    if (vllm != null) {
      checkCandidates(logits, candidates, n);
      checkTemperature(temperature);
      if (n == 0) {
        throw new IllegalArgumentException("the candidate set is empty");
      }
      int i = vllm.sample(logits, candidates, n, temperature, random);
      return candidates == null ? i : candidates[i];
    }
    requireGumbel();
    checkCandidates(logits, candidates, n);
    checkTemperature(temperature);
    if (n == 0) {
      throw new IllegalArgumentException("the candidate set is empty");
    }
    int i =
        !keyedStep(random)
            ? softmaxSample(logits, n, temperature, random)
            : skip == null
                ? gumbelArgmax(logits, candidates, n, temperature)
                : robustChoice(logits, candidates, n, temperature, random);
    return candidates == null ? i : candidates[i];
  }

  // Whether this Gumbel step takes the keyed choice: a full, unseen context, and (with a plain
  // share) the caller's draw says so. No draw is taken when the share is 0, so such sessions
  // consume the caller's generator exactly as before.
  private boolean keyedStep(RandomGenerator random) {
    return watermarking() && (plainShare == 0 || random.nextDouble() >= plainShare);
  }

  /** Records the token the stack emitted and moves the context on. */
  public void accept(int token) {
    if (token < 0) {
      throw new IllegalArgumentException("token ids are non-negative, got " + token);
    }
    if (vllm != null) {
      vllm.accept(token);
      return;
    }
    if (skip != null && skip.skips(token)) {
      return; // robust contexts: the skipped class never enters the window
    }
    if (h > 1) {
      System.arraycopy(window, 1, window, 0, h - 1);
    }
    window[h - 1] = token;
    if (filled < h) {
      filled++;
    }
    if (filled >= h && !selfHash) {
      seed = prf.contextSeed(window, h);
      repeated = seenContexts != null && !seenContexts.add(seed);
    }
    if (filled >= h && payloadPrf != null) {
      payloadSeed = payloadPrf.seed(window, h);
      payloadSymbol = accountSymbols[payloadPrf.position(payloadSeed)];
    }
  }

  /**
   * For a vLLM key, what the session did so far (routing draws, deduplication skips) as vLLM's
   * goldens count it; empty for Telltale's own schemes.
   */
  public java.util.Optional<VllmGenerationTrace> vllmTrace() {
    return vllm == null ? java.util.Optional.empty() : java.util.Optional.of(vllm.trace());
  }

  // Green tokens get delta; green tokens of the account's colour get the payload delta on top.
  // Token ids come from candidates[i] when candidates is non-null, else i itself. The loops are
  // written out per case so that the common ones stay tight.
  private void biasWithPayload(float[] logits, int[] candidates, int n) {
    final long t = threshold;
    final long ps = payloadSeed;
    final long sym = payloadSymbol;
    final int shift = payloadPrf.colourShift();
    final int deltaBits = Float.floatToRawIntBits(delta);
    // the sum is rounded once, so a favoured token gets exactly (float) (delta + payloadDelta)
    final int payloadBits = Float.floatToRawIntBits(delta + payloadDelta);
    final long s = seed;
    if (selfHash) {
      for (int i = 0; i < n; i++) {
        int v = candidates == null ? i : candidates[i];
        long u = WatermarkPrf.bits(prf.selfHashSeed(window, h, v), v);
        logits[i] +=
            payloadBias(u, WatermarkPrf.bits(ps, v), t, shift, sym, deltaBits, payloadBits);
      }
    } else if (candidates == null) {
      for (int v = 0; v < n; v++) {
        long u = WatermarkPrf.bits(s, v);
        logits[v] +=
            payloadBias(u, WatermarkPrf.bits(ps, v), t, shift, sym, deltaBits, payloadBits);
      }
    } else {
      for (int i = 0; i < n; i++) {
        int v = candidates[i];
        long u = WatermarkPrf.bits(s, v);
        logits[i] +=
            payloadBias(u, WatermarkPrf.bits(ps, v), t, shift, sym, deltaBits, payloadBits);
      }
    }
  }

  /**
   * {@code deltaBits} for a green token, {@code sumBits} for a green token of the account's colour,
   * else +0.0, selected by masks without a branch: {@code (colour ^ symbol) - 1} is negative only
   * when they are equal.
   */
  private static float payloadBias(
      long u, long c, long threshold, int shift, long symbol, int deltaBits, int sumBits) {
    int green = (int) -WatermarkPrf.greenBit(u, threshold);
    int match = (int) ((((c >>> shift) ^ symbol) - 1) >> 63);
    return Float.intBitsToFloat(green & ((deltaBits & ~match) | (sumBits & match)));
  }

  // Returns the index i < n maximising (l_i - lmax) / T + G_i, G_i = -ln(-ln r_i): the
  // Gumbel-max form of argmax r_i^(1 / p_i). A cheap upper bound on G_i from the leading zeros
  // of 1 - r skips the two logarithms for candidates that cannot win.
  // With robust contexts only candidates of the kept class compete (robustChoice).
  private int gumbelArgmax(float[] logits, int[] candidates, int n, double temperature) {
    float lmax = Float.NEGATIVE_INFINITY;
    int top = -1;
    for (int i = 0; i < n; i++) {
      if (logits[i] > lmax
          && (skip == null || !skip.skips(candidates == null ? i : candidates[i]))) {
        lmax = logits[i];
        top = i;
      }
    }
    if (top < 0) {
      throw new IllegalArgumentException("every candidate logit is negative infinity");
    }
    double invT = 1.0 / temperature;
    long s = seed;
    // The most likely candidate goes first, so the bound below prunes from the start whatever
    // order the stack hands candidates in.
    int bestIndex = top;
    double best =
        gumbelValue(0.0, WatermarkPrf.bits(s, candidates == null ? top : candidates[top]));
    for (int i = 0; i < n; i++) {
      double a = (logits[i] - lmax) * invT;
      if (a + MAX_GUMBEL <= best
          || i == top
          || (skip != null && skip.skips(candidates == null ? i : candidates[i]))) {
        continue;
      }
      long u = WatermarkPrf.bits(s, candidates == null ? i : candidates[i]);
      long m = (1L << 53) - (u >>> 11);
      // G = -ln(-ln r) <= -ln(1 - r) <= (54 - floor(log2 m)) ln 2
      if (a + (54 - (63 - Long.numberOfLeadingZeros(m))) * LN2 <= best) {
        continue;
      }
      double v = gumbelValue(a, u);
      if (v > best) {
        best = v;
        bestIndex = i;
      }
    }
    return bestIndex;
  }

  /**
   * The choice of a robust-context session. The skipped class carries no watermark, so it gets no
   * share of the context's uniforms: with the softmax mass P of the skipped candidates, one plain
   * draw picks a skipped token (from their softmax) with probability P, and otherwise the
   * Gumbel-max choice runs over the kept candidates alone. The mixture is exactly the softmax
   * (distortion-free). Were the Gumbel choice to pick skipped tokens too, the context would not
   * move after one and the same uniforms would choose again, favouring the same skipped token:
   * generations repeat their punctuation and spend their length on tokens never scored
   * (RobustGumbelUniformsTest in testdata measures it).
   */
  private int robustChoice(
      float[] logits, int[] candidates, int n, double temperature, RandomGenerator random) {
    float lmax = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      lmax = Math.max(lmax, logits[i]);
    }
    if (lmax == Float.NEGATIVE_INFINITY) {
      throw new IllegalArgumentException("every candidate logit is negative infinity");
    }
    double invT = 1.0 / temperature;
    double skipped = 0;
    double kept = 0;
    for (int i = 0; i < n; i++) {
      double w = Math.exp((logits[i] - lmax) * invT);
      if (skip.skips(candidates == null ? i : candidates[i])) {
        skipped += w;
      } else {
        kept += w;
      }
    }
    double target = random.nextDouble() * (skipped + kept);
    if (target >= skipped) {
      return gumbelArgmax(logits, candidates, n, temperature);
    }
    double acc = 0;
    int last = -1;
    for (int i = 0; i < n; i++) {
      if (skip.skips(candidates == null ? i : candidates[i])) {
        double w = Math.exp((logits[i] - lmax) * invT);
        if (w > 0) {
          last = i;
          acc += w;
          if (acc > target) {
            return i;
          }
        }
      }
    }
    return last;
  }

  /** {@code a + G} with {@code G = -ln(-ln r)}, r the Gumbel uniform of bits {@code u}. */
  private static double gumbelValue(double a, long u) {
    return a - Math.log(WatermarkPrf.negLnUniform(u));
  }

  /** Softmax sampling at {@code temperature} over {@code logits[0 .. n)}; one draw. */
  static int softmaxSample(float[] logits, int n, double temperature, RandomGenerator random) {
    float lmax = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      lmax = Math.max(lmax, logits[i]);
    }
    if (lmax == Float.NEGATIVE_INFINITY) {
      throw new IllegalArgumentException("every candidate logit is negative infinity");
    }
    double invT = 1.0 / temperature;
    double z = 0;
    for (int i = 0; i < n; i++) {
      z += Math.exp((logits[i] - lmax) * invT);
    }
    double target = random.nextDouble() * z;
    double acc = 0;
    int last = 0;
    for (int i = 0; i < n; i++) {
      double w = Math.exp((logits[i] - lmax) * invT);
      if (w > 0) {
        last = i;
        acc += w;
        if (acc > target) {
          return i;
        }
      }
    }
    return last;
  }

  // SessionBatch support: the plain green-list fast path and the state accept() changes.

  /** A Telltale green-list session without self-hash or payload (the batch's offset kernel). */
  boolean plainGreenList() {
    return vllm == null && greenList && !selfHash && payloadPrf == null;
  }

  boolean contextFull() {
    return filled >= h;
  }

  long contextSeed() {
    return seed;
  }

  long greenThreshold() {
    return threshold;
  }

  float greenDelta() {
    return delta;
  }

  /** Longs {@link #saveState} writes. */
  int stateLength() {
    return vllm != null ? vllm.stateLength() : h + 5;
  }

  void saveState(long[] buf, int off) {
    if (vllm != null) {
      vllm.saveState(buf, off);
      return;
    }
    for (int i = 0; i < h; i++) {
      buf[off + i] = window[i];
    }
    buf[off + h] = filled;
    buf[off + h + 1] = seed;
    buf[off + h + 2] = repeated ? 1 : 0;
    buf[off + h + 3] = payloadSeed;
    buf[off + h + 4] = payloadSymbol;
  }

  /** Undoes the last accept, whose prior state {@link #saveState} wrote at {@code off}. */
  void undoAccept(long[] buf, int off) {
    if (vllm != null) {
      vllm.undoAccept(buf, off);
      return;
    }
    // An accept that left the window as it was (a skipped token of a robust context) added
    // nothing to the table.
    boolean moved = buf[off + h] != filled;
    for (int i = 0; i < h && !moved; i++) {
      moved = buf[off + i] != window[i];
    }
    if (seenContexts != null && !selfHash && filled >= h && !repeated && moved) {
      seenContexts.remove(seed); // the last accept added it
    }
    for (int i = 0; i < h; i++) {
      window[i] = (int) buf[off + i];
    }
    filled = (int) buf[off + h];
    seed = buf[off + h + 1];
    repeated = buf[off + h + 2] != 0;
    payloadSeed = buf[off + h + 3];
    payloadSymbol = (int) buf[off + h + 4];
  }

  private void requireGreenList() {
    if (!greenList) {
      throw new IllegalStateException(
          "bias() is for green-list keys; a Gumbel key embeds through sample()");
    }
  }

  private void requireGumbel() {
    if (greenList) {
      throw new IllegalStateException(
          "sample() is for Gumbel keys; a green-list key embeds through bias()");
    }
  }

  private static void checkCandidates(float[] logits, int[] candidates, int n) {
    if (n < 0 || n > logits.length || (candidates != null && n > candidates.length)) {
      throw new IllegalArgumentException("candidate count " + n + " exceeds the arrays");
    }
  }

  private static void checkTemperature(double temperature) {
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("temperature must be positive, got " + temperature);
    }
  }
}
