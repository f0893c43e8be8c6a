package dev.telltale.testdata;

import dev.telltale.embed.WatermarkSession;
import dev.telltale.embed.Watermarker;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.VllmParameters;
import dev.telltale.text.Tokenizer;
import dev.telltale.text.Tokenizers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Seeded text generation from a {@link LanguageModel}, plain or watermarked, the way a serving
 * stack decodes: full-vocabulary logits, then the green-list bias as a logits processor, then
 * temperature, top-k and top-p, then sampling (for Gumbel keys the session's keyed choice over the
 * cut candidate set). The same prompt, parameters, seed and key give the same tokens.
 *
 * <p>Immutable and thread-safe; each call allocates its buffers once and nothing per token beyond
 * the output.
 */
public final class TeacherGenerator {
  /** Ids at or above this are cl100k_base special tokens, which generation never emits. */
  public static final int CL100K_ORDINARY_IDS = 100_256;

  private final LanguageModel model;
  private final Tokenizer tokenizer;
  private final int ordinaryIds;

  /**
   * A generator that emits only ids below {@code ordinaryIds}; the model and tokenizer must share
   * the id space.
   */
  public TeacherGenerator(LanguageModel model, Tokenizer tokenizer, int ordinaryIds) {
    if (model.vocabSize() != tokenizer.vocabSize()) {
      throw new IllegalArgumentException(
          "model vocabulary " + model.vocabSize() + " != tokenizer's " + tokenizer.vocabSize());
    }
    if (ordinaryIds < 1 || ordinaryIds > model.vocabSize()) {
      throw new IllegalArgumentException("ordinaryIds out of range: " + ordinaryIds);
    }
    this.model = model;
    this.tokenizer = tokenizer;
    this.ordinaryIds = ordinaryIds;
  }

  /** The default teacher ({@link KneserNeyModel#trainDefault()}) over cl100k_base. */
  public static TeacherGenerator defaultTeacher() {
    return new TeacherGenerator(
        KneserNeyModel.trainDefault(), Tokenizers.cl100kBase(), CL100K_ORDINARY_IDS);
  }

  public Tokenizer tokenizer() {
    return tokenizer;
  }

  public LanguageModel model() {
    return model;
  }

  /** Plain (unwatermarked) generation. */
  public Generation generate(int[] prompt, int maxTokens, SamplingParams params, long seed) {
    return generate(prompt, maxTokens, params, seed, null);
  }

  /**
   * Generation from a text prompt; see {@link #generate(int[], int, SamplingParams, long,
   * Watermarker)}.
   */
  public Generation generate(
      String prompt, int maxTokens, SamplingParams params, long seed, Watermarker watermarker) {
    return generate(tokenizer.encode(prompt), maxTokens, params, seed, watermarker);
  }

  /**
   * Generates exactly {@code maxTokens} tokens after {@code prompt}.
   *
   * @param watermarker the key to embed, or {@code null} for plain generation; its session starts
   *     from the prompt's tail, so a detector replays {@code newSession(prompt, 0, prompt.length)}
   */
  public Generation generate(
      int[] prompt, int maxTokens, SamplingParams params, long seed, Watermarker watermarker) {
    return run(prompt, maxTokens, params, seed, watermarker, null, null);
  }

  /**
   * Extra logits a generation adds before any processor runs, e.g. an attacker's learned green-list
   * bias; called once per step with the history so far.
   */
  @FunctionalInterface
  public interface LogitsBias {
    void bias(int[] history, int len, float[] logits);
  }

  /** Generation whose logits {@code bias} shifts before the watermark (if any) is applied. */
  public Generation generate(
      int[] prompt,
      int maxTokens,
      SamplingParams params,
      long seed,
      Watermarker watermarker,
      LogitsBias bias) {
    return run(prompt, maxTokens, params, seed, watermarker, bias, null);
  }

  /**
   * Generation forced to emit {@code marker} after every token that starts a word (decodes to a
   * leading space), as a model told to "put an emoji after each word" would: the markers enter the
   * watermark session's context like any token. {@code maxTokens} counts the model's own tokens;
   * the returned ids and text include the markers.
   */
  public Generation generateWithMarker(
      int[] prompt,
      int maxTokens,
      SamplingParams params,
      long seed,
      Watermarker watermarker,
      int[] marker) {
    if (marker.length == 0) {
      throw new IllegalArgumentException("marker must have at least one token");
    }
    return run(prompt, maxTokens, params, seed, watermarker, null, marker.clone());
  }

  private Generation run(
      int[] prompt,
      int maxTokens,
      SamplingParams params,
      long seed,
      Watermarker watermarker,
      LogitsBias bias,
      int[] marker) {
    if (maxTokens < 0) {
      throw new IllegalArgumentException("maxTokens must be >= 0, got " + maxTokens);
    }
    // A robust-context watermarker keeps the skipped class out of its contexts itself.
    WatermarkSession session =
        watermarker == null ? null : watermarker.newSession(prompt, 0, prompt.length);
    // vLLM's SBW and red-green are green-list biases too, applied before the top-k/top-p cut as
    // vLLM does.
    boolean greenList =
        watermarker != null
            && (watermarker.parameters() instanceof GreenListParameters
                || (watermarker.parameters() instanceof VllmParameters v && v.countsGreen()));
    Decoder d = new Decoder(params);
    SplittableRandom rng = new SplittableRandom(seed);
    int perStep = marker == null ? 1 : 1 + marker.length;
    int[] history = Arrays.copyOf(prompt, prompt.length + maxTokens * perStep);
    int len = prompt.length;
    for (int step = 0; step < maxTokens; step++) {
      model.logits(history, 0, len, d.logits);
      if (bias != null) {
        bias.bias(history, len, d.logits);
      }
      // Special tokens are banned before any processor runs, as a bad-words filter would.
      Arrays.fill(d.logits, ordinaryIds, d.logits.length, Float.NEGATIVE_INFINITY);
      if (greenList) {
        session.bias(d.logits);
      }
      int n = d.candidates();
      int token =
          session != null && !greenList
              ? session.sample(d.candLogits, d.cands, n, params.temperature(), rng)
              : d.cands[d.sample(n, rng)];
      if (session != null) {
        session.accept(token);
      }
      history[len++] = token;
      if (marker != null && startsWord(token)) {
        for (int m : marker) {
          if (session != null) {
            session.accept(m);
          }
          history[len++] = m;
        }
      }
    }
    int[] out = Arrays.copyOfRange(history, prompt.length, len);
    return new Generation(out, tokenizer.decode(out));
  }

  private boolean startsWord(int token) {
    String s = tokenizer.decode(new int[] {token});
    return s.length() > 1 && s.charAt(0) == ' ' && Character.isLetterOrDigit(s.charAt(1));
  }

  /** The first {@code tokens} tokens of {@code text} (fewer if the text is shorter). */
  public int[] prompt(String text, int tokens) {
    int[] ids = tokenizer.encode(text);
    return Arrays.copyOf(ids, Math.min(tokens, ids.length));
  }

  /**
   * One prompt per held-out Europarl document, in corpus order: the first {@code tokens} tokens of
   * its first complete sentence (or of the document if it has none). At most as many prompts as
   * held-out documents.
   */
  public List<int[]> heldOutPrompts(int count, int tokens) {
    List<String> docs = EuroparlCorpus.load().heldOut();
    if (count < 0 || count > docs.size()) {
      throw new IllegalArgumentException("count must be in 0.." + docs.size() + ", got " + count);
    }
    List<int[]> out = new ArrayList<>(count);
    for (String doc : docs.subList(0, count)) {
      List<String> sentences = EuroparlCorpus.sentences(doc);
      out.add(prompt(sentences.isEmpty() ? doc : String.join(" ", sentences), tokens));
    }
    return List.copyOf(out);
  }

  /** Per-call buffers and the temperature / top-k / top-p cut. */
  private final class Decoder {
    final float[] logits = new float[model.vocabSize()];
    final int[] cands;
    final float[] candLogits;
    final double[] weights;
    final long[] sortKeys;
    final double invT;
    final int topK;
    final double topP;

    Decoder(SamplingParams p) {
      invT = 1.0 / p.temperature();
      topK = Math.min(p.topK(), ordinaryIds);
      topP = p.topP();
      int cap = topK > 0 ? topK : ordinaryIds;
      cands = new int[cap];
      candLogits = new float[cap];
      weights = new double[cap];
      // A full sort is needed only for a nucleus without top-k: slow, but rarely used.
      sortKeys = topK == 0 && topP < 1 ? new long[ordinaryIds] : null;
    }

    /** Fills cands/candLogits (most likely first when cut) and returns their number. */
    int candidates() {
      int n;
      if (topK > 0) {
        n = selectTopK();
      } else if (topP < 1) {
        n = sortAll();
      } else {
        for (int v = 0; v < ordinaryIds; v++) {
          cands[v] = v;
          candLogits[v] = logits[v];
        }
        return ordinaryIds;
      }
      return topP < 1 ? nucleus(n) : n;
    }

    // Min-heap of the k best (logit, id) in cands/candLogits, then sorted descending. Ties go to
    // the lower id, so the set is a function of the logits alone.
    private int selectTopK() {
      int k = topK;
      for (int v = 0; v < k; v++) {
        cands[v] = v;
        candLogits[v] = logits[v];
      }
      for (int i = k / 2 - 1; i >= 0; i--) {
        siftDown(i, k);
      }
      for (int v = k; v < ordinaryIds; v++) {
        if (logits[v] > candLogits[0]) {
          cands[0] = v;
          candLogits[0] = logits[v];
          siftDown(0, k);
        }
      }
      for (int end = k - 1; end > 0; end--) {
        swap(0, end);
        siftDown(0, end);
      }
      return k;
    }

    private boolean worse(int i, int j) {
      return candLogits[i] < candLogits[j]
          || (candLogits[i] == candLogits[j] && cands[i] > cands[j]);
    }

    private void siftDown(int i, int n) {
      while (true) {
        int l = 2 * i + 1;
        if (l >= n) {
          return;
        }
        int m = l + 1 < n && worse(l + 1, l) ? l + 1 : l;
        if (!worse(m, i)) {
          return;
        }
        swap(i, m);
        i = m;
      }
    }

    private void swap(int i, int j) {
      int c = cands[i];
      cands[i] = cands[j];
      cands[j] = c;
      float l = candLogits[i];
      candLogits[i] = candLogits[j];
      candLogits[j] = l;
    }

    private int sortAll() {
      for (int v = 0; v < ordinaryIds; v++) {
        // Descending by logit: flip the order-preserving int image of the float.
        int bits = Float.floatToIntBits(logits[v]);
        int key = bits ^ ((bits >> 31) & 0x7fffffff);
        sortKeys[v] = ((long) ~key << 32) | v;
      }
      Arrays.sort(sortKeys);
      for (int i = 0; i < ordinaryIds; i++) {
        int v = (int) sortKeys[i];
        cands[i] = v;
        candLogits[i] = logits[v];
      }
      return ordinaryIds;
    }

    // Smallest prefix whose tempered probability reaches topP; at least one token.
    private int nucleus(int n) {
      double z = 0;
      float max = candLogits[0];
      for (int i = 0; i < n; i++) {
        weights[i] = Math.exp((candLogits[i] - max) * invT);
        z += weights[i];
      }
      double acc = 0;
      for (int i = 0; i < n; i++) {
        acc += weights[i];
        if (acc >= topP * z) {
          return i + 1;
        }
      }
      return n;
    }

    /** Index of a candidate drawn from softmax(candLogits / T). */
    int sample(int n, RandomGenerator rng) {
      float max = Float.NEGATIVE_INFINITY;
      for (int i = 0; i < n; i++) {
        max = Math.max(max, candLogits[i]);
      }
      double z = 0;
      for (int i = 0; i < n; i++) {
        double w =
            candLogits[i] == Float.NEGATIVE_INFINITY ? 0 : Math.exp((candLogits[i] - max) * invT);
        weights[i] = w;
        z += w;
      }
      double target = rng.nextDouble() * z;
      int last = 0;
      for (int i = 0; i < n; i++) {
        if (weights[i] > 0) {
          last = i;
          target -= weights[i];
          if (target < 0) {
            return i;
          }
        }
      }
      return last;
    }
  }
}
