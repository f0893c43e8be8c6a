package dev.telltale.text.hf;

import dev.telltale.collect.LongMinHeaps;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code BPE} model of a Hugging Face {@code tokenizer.json}: a word (one pre-token) becomes
 * its initial symbols (characters, or bytes for byte-level tokenizers, with {@code <0xNN>} byte
 * fallback and unknown-token fusion as configured), which are merged lowest rank first, leftmost
 * first among equal ranks, exactly as the Hugging Face implementation does. Results are cached per
 * word (a bounded, thread-safe cache), which is where most of the speed on real text comes from.
 */
final class BpeModel {
  private static final int CACHE_LIMIT = 200_000;
  private static final int CACHEABLE_LENGTH = 128;

  private final Map<String, Integer> vocab;
  private final String[] idToToken;
  private final MergeTable merges;
  private final boolean ignoreMerges;
  private final boolean byteLevel;
  private final int[] byteIds;
  private final int[] byteFallbackIds;
  private final int unkId;
  private final boolean fuseUnk;
  private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();

  BpeModel(
      Map<String, Integer> vocab,
      String[] idToToken,
      MergeTable merges,
      boolean ignoreMerges,
      boolean byteLevel,
      boolean byteFallback,
      int unkId,
      boolean fuseUnk) {
    this.vocab = vocab;
    this.idToToken = idToToken;
    this.merges = merges;
    this.ignoreMerges = ignoreMerges;
    this.byteLevel = byteLevel;
    this.unkId = unkId;
    this.fuseUnk = fuseUnk;
    if (byteLevel) {
      byteIds = new int[256];
      for (int b = 0; b < 256; b++) {
        Integer id = vocab.get(String.valueOf(ByteLevelAlphabet.charOf(b)));
        byteIds[b] = id == null ? -1 : id;
      }
    } else {
      byteIds = null;
    }
    if (byteFallback) {
      byteFallbackIds = new int[256];
      for (int b = 0; b < 256; b++) {
        Integer id = vocab.get(String.format("<0x%02X>", b));
        byteFallbackIds[b] = id == null ? -1 : id;
      }
    } else {
      byteFallbackIds = null;
    }
  }

  /** Number of ids the model's vocabulary spans (highest id + 1). */
  int size() {
    return idToToken.length;
  }

  /** The token string of {@code id}, or null if the model has no such id. */
  String token(int id) {
    return id >= 0 && id < idToToken.length ? idToToken[id] : null;
  }

  /**
   * Appends the ids of one pre-token to {@code out}. For a byte-level model {@code word} is the
   * text before the byte-to-unicode mapping (the mapping is applied here, on UTF-8 bytes).
   */
  void encodeWord(String word, IdBuffer out) {
    if (word.isEmpty()) {
      return;
    }
    int[] ids = cache.get(word);
    if (ids == null) {
      ids = byteLevel ? encodeBytes(word) : encodeChars(word);
      if (word.length() <= CACHEABLE_LENGTH) {
        if (cache.size() >= CACHE_LIMIT) {
          cache.clear();
        }
        cache.put(word, ids);
      }
    }
    out.add(ids);
  }

  private int[] encodeBytes(String word) {
    byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
    if (ignoreMerges) {
      Integer whole = vocab.get(ByteLevelAlphabet.map(bytes));
      if (whole != null) {
        return new int[] {whole};
      }
    }
    int[] symbols = new int[bytes.length];
    int n = 0;
    for (byte b : bytes) {
      int id = byteIds[b & 0xFF];
      if (id >= 0) {
        symbols[n++] = id;
      } else if (unkId >= 0 && !(fuseUnk && n > 0 && symbols[n - 1] == unkId)) {
        symbols[n++] = unkId;
      }
    }
    return mergeAll(symbols, n);
  }

  private int[] encodeChars(String word) {
    if (ignoreMerges) {
      Integer whole = vocab.get(word);
      if (whole != null) {
        return new int[] {whole};
      }
    }
    int[] symbols = new int[word.length() * 4];
    int n = 0;
    for (int i = 0; i < word.length(); ) {
      int cp = word.codePointAt(i);
      int next = i + Character.charCount(cp);
      Integer id = vocab.get(word.substring(i, next));
      if (id != null) {
        symbols[n++] = id;
      } else if (!appendByteFallback(word.substring(i, next), symbols, n)) {
        if (unkId >= 0 && !(fuseUnk && n > 0 && symbols[n - 1] == unkId)) {
          symbols[n++] = unkId;
        }
      } else {
        n += word.substring(i, next).getBytes(StandardCharsets.UTF_8).length;
      }
      i = next;
    }
    return mergeAll(symbols, n);
  }

  /** Writes the {@code <0xNN>} ids of the character's bytes if byte fallback covers all of them. */
  private boolean appendByteFallback(String ch, int[] symbols, int n) {
    if (byteFallbackIds == null) {
      return false;
    }
    byte[] bytes = ch.getBytes(StandardCharsets.UTF_8);
    for (byte b : bytes) {
      if (byteFallbackIds[b & 0xFF] < 0) {
        return false;
      }
    }
    for (int k = 0; k < bytes.length; k++) {
      symbols[n + k] = byteFallbackIds[bytes[k] & 0xFF];
    }
    return true;
  }

  /**
   * Applies merges to {@code symbols[0..n)}: repeatedly the pair of lowest rank, the leftmost of
   * equal ranks, with a binary heap of (rank, position) keys and lazy invalidation.
   */
  private int[] mergeAll(int[] symbols, int n) {
    if (n <= 1) {
      return java.util.Arrays.copyOf(symbols, n);
    }
    int[] next = new int[n];
    int[] prev = new int[n];
    boolean[] removed = new boolean[n];
    long[] heap = new long[3 * n];
    int heapSize = 0;
    for (int i = 0; i < n; i++) {
      next[i] = i + 1 < n ? i + 1 : -1;
      prev[i] = i - 1;
    }
    for (int i = 0; i + 1 < n; i++) {
      long m = merges.get(symbols[i], symbols[i + 1]);
      if (m >= 0) {
        heapSize = LongMinHeaps.push(heap, heapSize, ((long) MergeTable.rank(m) << 32) | i);
      }
    }
    int remaining = n;
    while (heapSize > 0) {
      long top = heap[0];
      heapSize = LongMinHeaps.pop(heap, heapSize);
      int pos = (int) top;
      int rank = (int) (top >>> 32);
      int right = next[pos];
      if (removed[pos] || right < 0) {
        continue;
      }
      long m = merges.get(symbols[pos], symbols[right]);
      if (m < 0 || MergeTable.rank(m) != rank) {
        continue;
      }
      symbols[pos] = MergeTable.merged(m);
      removed[right] = true;
      remaining--;
      int after = next[right];
      next[pos] = after;
      if (after >= 0) {
        prev[after] = pos;
      }
      int before = prev[pos];
      if (before >= 0) {
        long mp = merges.get(symbols[before], symbols[pos]);
        if (mp >= 0) {
          heapSize = LongMinHeaps.push(heap, heapSize, ((long) MergeTable.rank(mp) << 32) | before);
        }
      }
      if (after >= 0) {
        long mn = merges.get(symbols[pos], symbols[after]);
        if (mn >= 0) {
          heapSize = LongMinHeaps.push(heap, heapSize, ((long) MergeTable.rank(mn) << 32) | pos);
        }
      }
    }
    int[] result = new int[remaining];
    int k = 0;
    for (int i = 0; i >= 0; i = next[i]) {
      result[k++] = symbols[i];
    }
    return result;
  }
}
