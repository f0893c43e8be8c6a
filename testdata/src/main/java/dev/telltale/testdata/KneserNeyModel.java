package dev.telltale.testdata;

import dev.telltale.text.Tokenizer;
import dev.telltale.text.Tokenizers;
import java.util.Arrays;
import java.util.List;

/**
 * Interpolated modified Kneser–Ney n-gram model (Chen and Goodman, 1998) over token ids: a small,
 * deterministic teacher that gives every id of the vocabulary a finite probability.
 *
 * <p>Order n uses raw counts, lower orders continuation counts (distinct left extensions), and each
 * order has three discounts D1, D2, D3+ estimated from its count-of-counts. The unigram level is
 * interpolated with the uniform distribution over the whole vocabulary. Documents are padded on the
 * left with n-1 begin markers so every n-gram of real text has a left extension.
 *
 * <p>Contexts of up to three tokens are packed exactly into a {@code long} (20 bits per id, so a
 * vocabulary of up to 2^20-2 ids: Gemma 3's 262,145 fit); the four-token contexts of a 5-gram model
 * are hashed to 64 bits, where a collision among a million contexts has probability about 3e-8.
 * Instances are immutable and thread-safe.
 */
public final class KneserNeyModel implements LanguageModel {
  public static final int DEFAULT_ORDER = 4;
  public static final int MIN_ORDER = 2;
  public static final int MAX_ORDER = 5;

  private static final int BITS = 20;
  private static final long MASK = (1L << BITS) - 1;

  private final int order;
  private final int vocabSize;
  private final long trainingTokens;
  private final double[] base; // P_1(v): continuation unigram interpolated with uniform
  private final float[] logBase;
  private final Level[] levels; // levels[k] for order k in 2..order

  /** One order k: contexts of k-1 tokens, each with a block of (word, discounted weight). */
  private record Level(
      int width, LongIntMap contexts, int[] start, int[] words, double[] alpha, double[] gamma) {
    int types() {
      return words.length;
    }
  }

  private KneserNeyModel(int order, int vocabSize, long tokens, double[] base, Level[] levels) {
    this.order = order;
    this.vocabSize = vocabSize;
    this.trainingTokens = tokens;
    this.base = base;
    this.levels = levels;
    this.logBase = new float[vocabSize];
    for (int v = 0; v < vocabSize; v++) {
      logBase[v] = (float) Math.log(base[v]);
    }
  }

  /** The default teacher: order 4 over cl100k_base, trained once on the Europarl training split. */
  public static KneserNeyModel trainDefault() {
    return DefaultHolder.MODEL;
  }

  private static final class DefaultHolder {
    static final KneserNeyModel MODEL =
        train(Tokenizers.cl100kBase(), EuroparlCorpus.load().train(), DEFAULT_ORDER);
  }

  /** Trains a model of {@code order} ({@value #MIN_ORDER}..{@value #MAX_ORDER}) on documents. */
  public static KneserNeyModel train(Tokenizer tokenizer, List<String> documents, int order) {
    return fit(documents.stream().map(tokenizer::encode).toList(), tokenizer.vocabSize(), order);
  }

  /** Trains on documents already tokenized; every id must be below {@code vocabSize}. */
  public static KneserNeyModel fit(List<int[]> documents, int vocabSize, int order) {
    if (order < MIN_ORDER || order > MAX_ORDER) {
      throw new IllegalArgumentException(
          "order must be in " + MIN_ORDER + ".." + MAX_ORDER + ", got " + order);
    }
    if (vocabSize < 1 || vocabSize >= MASK) {
      throw new IllegalArgumentException(
          "vocabulary size must be in 1..2^20-2 (" + (MASK - 1) + "), got " + vocabSize);
    }
    final int bos = vocabSize; // a pseudo-id, never predicted and never in a query context
    final int width = order - 1;
    long tokens = 0;
    for (int[] doc : documents) {
      tokens += doc.length;
    }
    LongIntMap contexts = new LongIntMap((int) Math.min(1 << 24, tokens));
    int[] ctxTokens = new int[1024 * width];
    long[] keys = new long[(int) tokens];
    int nk = 0;
    int nCtx = 0;
    for (int[] doc : documents) {
      int[] padded = new int[width + doc.length];
      Arrays.fill(padded, 0, width, bos);
      for (int i = 0; i < doc.length; i++) {
        if (doc[i] < 0 || doc[i] >= vocabSize) {
          throw new IllegalArgumentException("token id out of range: " + doc[i]);
        }
        padded[width + i] = doc[i];
      }
      for (int i = width; i < padded.length; i++) {
        int id = contexts.putIfAbsent(contextKey(padded, i, width), nCtx);
        if (id == nCtx) {
          ctxTokens = LongIntMap.grow(ctxTokens, (nCtx + 1) * width);
          System.arraycopy(padded, i - width, ctxTokens, nCtx * width, width);
          nCtx++;
        }
        keys[nk++] = ((long) id << BITS) | padded[i];
      }
    }
    Level[] levels = new Level[order + 1];
    for (int k = order; k >= 2; k--) {
      levels[k] = level(k - 1, keys, nk, contexts, nCtx);
      if (k == 2) {
        break;
      }
      // Each (k)-gram type is one left extension of its (k-1)-gram suffix.
      Level upper = levels[k];
      int w = upper.width - 1;
      LongIntMap lower = new LongIntMap(nCtx);
      int[] lowerTokens = new int[Math.max(1, 1024 * w)];
      long[] lowerKeys = new long[upper.types()];
      int lowerCtx = 0;
      nk = 0;
      for (int c = 0; c < nCtx; c++) {
        int from = c * upper.width + 1;
        int id = lower.putIfAbsent(contextKey(ctxTokens, from + w, w), lowerCtx);
        if (id == lowerCtx) {
          lowerTokens = LongIntMap.grow(lowerTokens, (lowerCtx + 1) * w);
          System.arraycopy(ctxTokens, from, lowerTokens, lowerCtx * w, w);
          lowerCtx++;
        }
        for (int j = upper.start[c]; j < upper.start[c + 1]; j++) {
          lowerKeys[nk++] = ((long) id << BITS) | upper.words[j];
        }
      }
      keys = lowerKeys;
      contexts = lower;
      ctxTokens = lowerTokens;
      nCtx = lowerCtx;
    }
    return new KneserNeyModel(order, vocabSize, tokens, unigram(levels[2], vocabSize), levels);
  }

  // Continuation unigram: how many distinct tokens precede v, discounted and interpolated with
  // the uniform distribution so unseen ids keep a finite log-probability.
  private static double[] unigram(Level bigrams, int vocabSize) {
    int[] cc = new int[vocabSize];
    for (int w : bigrams.words) {
      cc[w]++;
    }
    double[] d = discounts(cc, cc.length);
    long total = 0;
    double mass = 0;
    for (int c : cc) {
      total += c;
      if (c > 0) {
        mass += d[Math.min(c, 3)];
      }
    }
    double uniform = mass / total / vocabSize;
    double[] p = new double[vocabSize];
    for (int v = 0; v < vocabSize; v++) {
      p[v] = (cc[v] > 0 ? (cc[v] - d[Math.min(cc[v], 3)]) / total : 0) + uniform;
    }
    return p;
  }

  private static Level level(int width, long[] keys, int n, LongIntMap contexts, int nCtx) {
    Arrays.sort(keys, 0, n);
    int types = 0;
    for (int i = 0; i < n; i++) {
      if (i == 0 || keys[i] != keys[i - 1]) {
        types++;
      }
    }
    int[] words = new int[types];
    int[] counts = new int[types];
    int[] start = new int[nCtx + 1];
    int u = -1;
    for (int i = 0; i < n; i++) {
      if (i == 0 || keys[i] != keys[i - 1]) {
        u++;
        words[u] = (int) (keys[i] & MASK);
        start[(int) (keys[i] >>> BITS) + 1]++;
      }
      counts[u]++;
    }
    for (int c = 0; c < nCtx; c++) {
      start[c + 1] += start[c];
    }
    double[] d = discounts(counts, types);
    double[] alpha = new double[types];
    double[] gamma = new double[nCtx];
    for (int c = 0; c < nCtx; c++) {
      long total = 0;
      double mass = 0;
      for (int j = start[c]; j < start[c + 1]; j++) {
        total += counts[j];
        mass += d[Math.min(counts[j], 3)];
      }
      for (int j = start[c]; j < start[c + 1]; j++) {
        alpha[j] = (counts[j] - d[Math.min(counts[j], 3)]) / total;
      }
      gamma[c] = mass / total;
    }
    return new Level(width, contexts, start, words, alpha, gamma);
  }

  // Chen and Goodman's estimates D_i = i - (i+1) Y n_{i+1} / n_i, Y = n1 / (n1 + 2 n2), kept in
  // (0, i) so a sparse count-of-counts cannot zero or invert a discount. Index 0 is unused.
  private static double[] discounts(int[] counts, int n) {
    long[] nc = new long[5];
    for (int i = 0; i < n; i++) {
      if (counts[i] >= 1 && counts[i] <= 4) {
        nc[counts[i]]++;
      }
    }
    double y = nc[1] + 2 * nc[2] == 0 ? 0.5 : nc[1] / (double) (nc[1] + 2 * nc[2]);
    double[] d = new double[4];
    for (int i = 1; i <= 3; i++) {
      double di = nc[i] == 0 ? 0.5 * i : i - (i + 1) * y * nc[i + 1] / nc[i];
      d[i] = Math.min(i - 0.05, Math.max(0.05, di));
    }
    return d;
  }

  /** Key of the context {@code a[end-width .. end)}; exact up to three tokens. */
  private static long contextKey(int[] a, int end, int width) {
    long k = 0;
    int exact = Math.min(width, 3);
    for (int j = end - exact; j < end; j++) {
      k = (k << BITS) | a[j];
    }
    if (width <= 3) {
      return k;
    }
    for (int j = end - width; j < end - 3; j++) {
      k = mix(k ^ mix(a[j] + 0x632BE59BD9B4E019L));
    }
    return k;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  public int order() {
    return order;
  }

  @Override
  public int vocabSize() {
    return vocabSize;
  }

  /** Number of tokens the model was trained on. */
  public long trainingTokens() {
    return trainingTokens;
  }

  /** Number of distinct n-grams stored for order {@code k} (2..order). */
  public int ngramTypes(int k) {
    return levels[k].types();
  }

  // Context id of order k for the tail of the context, or -1 if unseen. Orders are nested: an
  // order-k context is seen only if its order-(k-1) suffix is, and its block is a subset.
  private int find(int k, int[] context, int off, int len) {
    int width = k - 1;
    if (width > len) {
      return -1;
    }
    return levels[k].contexts.get(contextKey(context, off + len, width));
  }

  @Override
  public void logits(int[] context, int off, int len, float[] out) {
    checkArgs(context, off, len);
    if (out.length < vocabSize) {
      throw new IllegalArgumentException("out has " + out.length + " < " + vocabSize + " entries");
    }
    // P(v) = G * P_1(v) + sum_k m_k * alpha_k(v), where G is the product of the gammas of the seen
    // contexts and m_k the product of those above order k. Only the order-2 block differs from
    // G * P_1, so the dense pass is one add per id and the sparse pass fixes that block.
    int top = 1;
    double g = 1;
    for (int k = 2; k <= order; k++) {
      int c = find(k, context, off, len);
      if (c < 0) {
        break;
      }
      g *= levels[k].gamma[c];
      top = k;
    }
    final float logG = (float) Math.log(g);
    final float[] lb = logBase;
    for (int v = 0; v < vocabSize; v++) {
      out[v] = logG + lb[v];
    }
    if (top < 2) {
      return;
    }
    Level bigram = levels[2];
    int c2 = find(2, context, off, len);
    for (int j = bigram.start[c2]; j < bigram.start[c2 + 1]; j++) {
      int w = bigram.words[j];
      out[w] = (float) (g * base[w]);
    }
    double m = 1;
    for (int k = top; k >= 2; k--) {
      Level level = levels[k];
      int c = find(k, context, off, len);
      for (int j = level.start[c]; j < level.start[c + 1]; j++) {
        out[level.words[j]] += (float) (m * level.alpha[j]);
      }
      m *= level.gamma[c];
    }
    for (int j = bigram.start[c2]; j < bigram.start[c2 + 1]; j++) {
      int w = bigram.words[j];
      out[w] = (float) Math.log(out[w]);
    }
  }

  /** Natural log-probability of {@code token} after the context, without a full-vocabulary pass. */
  public double logProb(int[] context, int off, int len, int token) {
    checkArgs(context, off, len);
    if (token < 0 || token >= vocabSize) {
      throw new IllegalArgumentException("token id out of range: " + token);
    }
    double p = 0;
    double m = 1;
    int top = 1;
    for (int k = 2; k <= order && find(k, context, off, len) >= 0; k++) {
      top = k;
    }
    for (int k = top; k >= 2; k--) {
      Level level = levels[k];
      int c = find(k, context, off, len);
      int j = Arrays.binarySearch(level.words, level.start[c], level.start[c + 1], token);
      if (j >= 0) {
        p += m * level.alpha[j];
      }
      m *= level.gamma[c];
    }
    return Math.log(p + m * base[token]);
  }

  /** Per-token perplexity of documents, each scored from its first token with what precedes. */
  public double perplexity(List<int[]> documents) {
    double nll = 0;
    long n = 0;
    for (int[] doc : documents) {
      for (int i = 0; i < doc.length; i++) {
        int from = Math.max(0, i - (order - 1));
        nll -= logProb(doc, from, i - from, doc[i]);
        n++;
      }
    }
    return Math.exp(nll / n);
  }

  private void checkArgs(int[] context, int off, int len) {
    if (off < 0 || len < 0 || off + len > context.length) {
      throw new IndexOutOfBoundsException("context range out of bounds");
    }
    for (int i = Math.max(off, off + len - (order - 1)); i < off + len; i++) {
      if (context[i] < 0 || context[i] >= vocabSize) {
        throw new IllegalArgumentException("token id out of range: " + context[i]);
      }
    }
  }

  @Override
  public String toString() {
    return "KneserNeyModel[order="
        + order
        + ", vocab="
        + vocabSize
        + ", tokens="
        + trainingTokens
        + "]";
  }
}
