package dev.telltale.embed;

import dev.telltale.prf.Philox4x32;
import dev.telltale.prf.PhiloxCandidateWords;
import dev.telltale.scheme.VllmSynthIdParameters;

/**
 * vLLM's SynthID reweighting of one step, in float32 as vLLM computes it: the softmax of the
 * logits, then for each of the {@code depth} bits d of a candidate's raw Philox word (its g-value)
 * {@code p <- p (1 + g - m)} with {@code m} the probability mass on {@code g = 1}; the logits are
 * replaced by the log of the result (the smallest float where it is 0). Not thread-safe; its
 * scratch grows with the candidate count and is then reused, so a step allocates nothing.
 */
final class VllmSynthIdReweighting {
  private final long key;
  private final int depth;
  private final PhiloxCandidateWords candidateWords = PhiloxCandidateWords.of();
  private int[] words = new int[256];
  private float[] probs = new float[256];
  private final float[] factor = new float[2];

  VllmSynthIdReweighting(long key, VllmSynthIdParameters parameters) {
    this.key = key;
    this.depth = parameters.depth();
  }

  /**
   * Reweights {@code logits[0 .. n)} (of the tokens {@code candidates[i]}, or of token i when
   * {@code candidates} is null) after the context absorbed into {@code state}.
   */
  void reweight(int[] state, float[] logits, int[] candidates, int n) {
    if (words.length < n) {
      words = new int[Math.max(n, 2 * words.length)];
      probs = new float[words.length];
    }
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, logits[i]);
    }
    if (max == Float.NEGATIVE_INFINITY) {
      throw new IllegalArgumentException("every candidate logit is negative infinity");
    }
    if (candidates != null) {
      candidateWords.words(key, state, candidates, n, words);
    } else {
      Philox4x32.tokenWords(key, state, null, n, null, words); // four tokens per block
    }
    float sum = 0f;
    for (int i = 0; i < n; i++) {
      float e = (float) Math.exp(logits[i] - max);
      probs[i] = e;
      sum += e;
    }
    float inv = 1f / sum;
    // Each layer's update and the next layer's mass in one pass, without branches: adding
    // p * 0 = +0 leaves the mass unchanged and p * 1 = p, so the sums are those of the plain
    // loop over g = 1 in index order.
    int[] w = words;
    float[] p = probs;
    float mass = 0f;
    for (int i = 0; i < n; i++) {
      p[i] *= inv;
      mass += p[i] * (w[i] & 1);
    }
    float[] factor = this.factor;
    for (int d = 0; d < depth; d++) {
      // vLLM computes (1 + g) first, then subtracts the mass: two float factors per layer.
      factor[0] = 1f - mass;
      factor[1] = 2f - mass;
      int next = d + 1;
      float nextMass = 0f;
      if (next < depth) {
        for (int i = 0; i < n; i++) {
          float q = p[i] * factor[(w[i] >>> d) & 1];
          p[i] = q;
          nextMass += q * ((w[i] >>> next) & 1);
        }
      } else {
        for (int i = 0; i < n; i++) {
          p[i] *= factor[(w[i] >>> d) & 1];
        }
      }
      mass = nextMass;
    }
    for (int i = 0; i < n; i++) {
      float l = (float) Math.log(probs[i]);
      logits[i] = Float.isFinite(l) ? l : -Float.MAX_VALUE;
    }
  }
}
