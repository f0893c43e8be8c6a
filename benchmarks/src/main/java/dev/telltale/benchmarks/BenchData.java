package dev.telltale.benchmarks;

import dev.telltale.key.KeyId;
import dev.telltale.key.SecretAccess;
import dev.telltale.key.SecretBytes;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.scheme.WatermarkParameters;
import dev.telltale.testdata.EuroparlCorpus;
import java.time.Instant;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Fixed-seed keys and inputs shared by the benchmarks. */
final class BenchData {
  static final int CL100K_VOCAB = 100_277;

  private BenchData() {}

  /** The default kgw key of PRF v1 (what key files without {@code "prf"} hold). */
  static WatermarkKey kgwKey() {
    return key(GreenListParameters.defaults());
  }

  /** The default kgw key of PRF {@code prf} ("v1" or "v2"), same secret. */
  static WatermarkKey kgwKey(String prf) {
    return key(
        GreenListParameters.defaults(), dev.telltale.scheme.PrfVersion.of(prf).orElseThrow());
  }

  static WatermarkKey gumbelKey() {
    return key(GumbelParameters.defaults());
  }

  /** The default Gumbel key of PRF {@code prf} ("v1" or "v2"), same secret. */
  static WatermarkKey gumbelKey(String prf) {
    return key(GumbelParameters.defaults(), dev.telltale.scheme.PrfVersion.of(prf).orElseThrow());
  }

  private static WatermarkKey key(WatermarkParameters params) {
    return key(params, dev.telltale.scheme.PrfVersion.V1);
  }

  private static WatermarkKey key(WatermarkParameters params, dev.telltale.scheme.PrfVersion prf) {
    byte[] secret = new byte[WatermarkKey.SECRET_LENGTH];
    new SplittableRandom(0x7e11_7a1eL).nextBytes(secret);
    return WatermarkKey.of(
        KeyId.of("bench"),
        params,
        SecretBytes.copyOf(secret, SecretAccess.get()),
        Instant.EPOCH,
        prf);
  }

  /**
   * English Europarl documents (the testdata corpus, train and held-out), in corpus order, joined
   * by blank lines, until at least {@code minChars} characters.
   */
  static String englishText(int minChars) {
    StringBuilder sb = new StringBuilder();
    for (String doc : EuroparlCorpus.load().english()) {
      if (sb.length() >= minChars) {
        break;
      }
      if (sb.length() > 0) {
        sb.append("\n\n");
      }
      sb.append(doc);
    }
    return sb.toString();
  }

  /** {@code n} ids drawn from a Zipf(1.0) law over {@code vocab}, ranks shuffled onto ids. */
  static int[] zipfIds(int n, int vocab, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] cdf = new double[vocab];
    double acc = 0;
    for (int r = 0; r < vocab; r++) {
      acc += 1.0 / (r + 1);
      cdf[r] = acc;
    }
    int[] rankToId = new int[vocab];
    for (int i = 0; i < vocab; i++) {
      rankToId[i] = i;
    }
    for (int i = vocab - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = rankToId[i];
      rankToId[i] = rankToId[j];
      rankToId[j] = t;
    }
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      int r = Arrays.binarySearch(cdf, rnd.nextDouble() * acc);
      ids[i] = rankToId[r < 0 ? Math.min(-r - 1, vocab - 1) : r];
    }
    return ids;
  }

  /** Distinct random ids below {@code vocab}. */
  static int[] distinctIds(SplittableRandom rnd, int n, int vocab) {
    int[] ids = new int[n];
    boolean[] used = new boolean[vocab];
    for (int i = 0; i < n; i++) {
      int v;
      do {
        v = rnd.nextInt(vocab);
      } while (used[v]);
      used[v] = true;
      ids[i] = v;
    }
    return ids;
  }

  static float[] gaussianLogits(SplittableRandom rnd, int n, double scale) {
    float[] logits = new float[n];
    for (int i = 0; i < n; i++) {
      logits[i] = (float) (rnd.nextGaussian() * scale);
    }
    return logits;
  }
}
