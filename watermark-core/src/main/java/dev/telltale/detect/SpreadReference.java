package dev.telltale.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.collect.LongOpenHashSet;
import dev.telltale.text.NormalForm;
import dev.telltale.text.Tokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where {@link SpreadCheck}'s frequent contexts come from: a rule fixed before any text is tested
 * and blind to every key, so that the rare-context part of a detection keeps an exact p-value.
 *
 * <ul>
 *   <li>{@link #corpus}: contexts seen at least twice in a reference corpus the defender chooses,
 *       ideally its own unwatermarked outputs (what a thief's estimate covers is what its outputs
 *       repeat), else public text of the same kind. Named {@code corpus:<sha256 prefix>}.
 *   <li>{@link #tokenizerRanks}, the default: a context is frequent when each of its tokens is
 *       among the first {@code n} ids of the vocabulary. A byte-pair vocabulary numbers its merges
 *       in the order it learnt them, most frequent pairs first, so low ids are the common pieces of
 *       the language ("␣the", "␣of", ","): contexts made only of them are the ones many outputs
 *       repeat. Named {@code tokenizer-ranks:<n>}; {@value #DEFAULT_RANKS} by default, the limit at
 *       which the stealing attack's spoofs were all flagged (README "Robustness"; fewer ranks leave
 *       spoofs unflagged, more leave genuine texts too few rare contexts).
 * </ul>
 */
public final class SpreadReference {
  /** The default rank limit of {@link #tokenizerRanks()}. */
  public static final int DEFAULT_RANKS = 10_000;

  /** The default level the rare-context part must reach for a detection not to be flagged. */
  public static final double DEFAULT_RARE_LEVEL = 1e-2;

  private final String name;
  private final int ranks;
  private final List<int[]> corpus;
  private final int contexts;
  private final ConcurrentHashMap<Integer, LongOpenHashSet> byWidth = new ConcurrentHashMap<>();

  private SpreadReference(String name, int ranks, List<int[]> corpus) {
    this.name = name;
    this.ranks = ranks;
    this.corpus = corpus;
    int n = 0;
    for (int[] ids : corpus) {
      n += ids.length;
    }
    this.contexts = n;
  }

  /** The default: contexts whose tokens all have ids below {@link #DEFAULT_RANKS}. */
  public static SpreadReference tokenizerRanks() {
    return tokenizerRanks(DEFAULT_RANKS);
  }

  /** Contexts whose tokens all have ids below {@code n}. */
  public static SpreadReference tokenizerRanks(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("rank limit must be at least 1, got " + n);
    }
    return new SpreadReference("tokenizer-ranks:" + n, n, List.of());
  }

  /**
   * Contexts seen at least twice in {@code texts} (each in the {@link NormalForm#BASIC} form,
   * tokenized with {@code tokenizer}, the one detection uses).
   */
  public static SpreadReference corpus(Tokenizer tokenizer, List<String> texts) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    List<int[]> ids = new ArrayList<>(texts.size());
    for (String t : texts) {
      sha.update(t.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      ids.add(tokenizer.encode(NormalForm.BASIC.apply(t)));
    }
    String digest = HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    return new SpreadReference("corpus:" + digest, 0, List.copyOf(ids));
  }

  /**
   * {@link #corpus} of a UTF-8 file: one text per line, a line that is a JSON object giving its
   * {@code text} member (JSONL as scans read it); blank lines are skipped.
   *
   * @throws IOException when the file cannot be read
   * @throws IllegalArgumentException when it holds no text or a JSON line has no string text
   */
  public static SpreadReference corpusFile(Tokenizer tokenizer, Path file) throws IOException {
    List<String> texts = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    int line = 0;
    for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      line++;
      if (l.isBlank()) {
        continue;
      }
      if (l.stripLeading().startsWith("{")) {
        JsonNode n = json.readTree(l);
        if (!n.path("text").isTextual()) {
          throw new IllegalArgumentException("line " + line + ": no string member \"text\"");
        }
        texts.add(n.get("text").textValue());
      } else {
        texts.add(l);
      }
    }
    if (texts.isEmpty()) {
      throw new IllegalArgumentException("the reference corpus holds no text");
    }
    return corpus(tokenizer, texts);
  }

  /** The reference's name as results record it ({@code spread_check.reference}). */
  public String name() {
    return name;
  }

  /** The rule for contexts of {@code h} tokens. */
  public SpreadCheck.FrequentContexts frequentContexts(int h) {
    if (ranks > 0) {
      int limit = ranks;
      return (ids, i, width) -> {
        for (int j = Math.max(0, i - width); j < i; j++) {
          if (ids[j] < 0 || ids[j] >= limit) {
            return false;
          }
        }
        return true;
      };
    }
    LongOpenHashSet set = byWidth.computeIfAbsent(h, this::seenTwice);
    return (ids, i, width) -> set.contains(SpreadCheck.context(ids, i, width));
  }

  private LongOpenHashSet seenTwice(int h) {
    LongOpenHashSet seen = new LongOpenHashSet(Math.max(16, contexts));
    LongOpenHashSet twice = new LongOpenHashSet(1024);
    for (int[] ids : corpus) {
      for (int i = h; i < ids.length; i++) {
        long c = SpreadCheck.context(ids, i, h);
        if (!seen.add(c)) {
          twice.add(c);
        }
      }
    }
    return twice;
  }

  /** The check of {@code detector}'s key against this reference at {@code rareLevel}. */
  public SpreadCheck check(Detector detector, double rareLevel) {
    int h = detector.scorer().parameters().contextWidth();
    return new SpreadCheck(detector, frequentContexts(h), rareLevel);
  }
}
