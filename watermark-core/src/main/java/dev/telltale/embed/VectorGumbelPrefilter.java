package dev.telltale.embed;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * vLLM Gumbel's first cut of the candidates in float lanes ({@link VllmGumbelArgmax.Prefilter}): a
 * candidate's float noise {@code G = -ln(-ln u)} is at most {@code -ln(1 - u) <= 25 ln 2 - ln q2}
 * with {@code q2 = 2 (2^24 - (w >>> 8)) - 1} (up to float rounding, see {@link VllmGumbelArgmax}),
 * and {@code log2 q2} is at least the chord through the powers of two around it, which the bits of
 * {@code (float) q2} read as an integer give. Every float step here errs by less than 5e-5 nats
 * plus a few float ulps of {@code l}; the margin {@code 1e-3 + 4e-6 |l|} is some twenty times that,
 * on top of the {@code 1e-5 + 1e-6 |l|} that covers vLLM's own roundings. Loaded by {@link
 * VllmGumbelArgmax} only when {@code jdk.incubator.vector} is in the boot layer. Immutable, so one
 * instance serves every session and thread.
 */
final class VectorGumbelPrefilter implements VllmGumbelArgmax.Prefilter {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_64.withShape(F.vectorShape());
  private static final int LANES = F.length();
  // ln 2 * (25 + 127 - bits / 2^23): the noise above, from the float bits of q2.
  static final float C = (float) ((25 + 127) * Math.log(2));
  static final float K = (float) (Math.log(2) / 0x1p23);
  static final float ABS = 1e-3f;
  static final float REL = 4e-6f;

  private final float slack;

  VectorGumbelPrefilter() {
    this(0f);
  }

  /** With {@code slack} added to every upper bound: tests check a negative one changes a choice. */
  VectorGumbelPrefilter(float slack) {
    this.slack = slack;
  }

  @Override
  public boolean reaches(float[] logits, int from, int to, float invT, float maxNoise, float best) {
    int i = from;
    for (; i <= to - LANES; i += LANES) {
      FloatVector l = FloatVector.fromArray(F, logits, i).mul(invT);
      if (l.add(maxNoise).compare(VectorOperators.GE, best).anyTrue()) {
        return true;
      }
    }
    for (; i < to; i++) {
      if (logits[i] * invT + maxNoise >= best) {
        return true;
      }
    }
    return false;
  }

  @Override
  public int survivors(
      float[] logits,
      int[] words,
      int from,
      int to,
      float invT,
      float best,
      int[] out,
      int count,
      float[] reach) {
    float c = C + slack;
    int i = from;
    for (; i <= to - LANES; i += LANES) {
      FloatVector l = FloatVector.fromArray(F, logits, i).mul(invT);
      IntVector q2 = IntVector.fromArray(I, words, i).not().lanewise(VectorOperators.LSHR, 7).or(1);
      FloatVector chord =
          (FloatVector)
              ((FloatVector) q2.convert(VectorOperators.I2F, 0))
                  .reinterpretAsInts()
                  .convert(VectorOperators.I2F, 0);
      FloatVector r = l.add(chord.mul(-K).add(c)).add(l.abs().mul(REL).add(ABS));
      r.intoArray(reach, i);
      VectorMask<Float> m = r.compare(VectorOperators.GE, best);
      if (m.anyTrue()) {
        for (int k = i; k < i + LANES; k++) {
          if (reach[k] >= best) {
            out[count++] = k;
          }
        }
      }
    }
    for (; i < to; i++) {
      float l = logits[i] * invT;
      int q2 = (~words[i] >>> 7) | 1;
      float chord = Float.floatToRawIntBits((float) q2);
      float r = l + (chord * -K + c) + (Math.abs(l) * REL + ABS);
      if (r >= best) {
        out[count++] = i;
      }
    }
    return count;
  }
}
