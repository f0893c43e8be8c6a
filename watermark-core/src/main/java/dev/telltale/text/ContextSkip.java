package dev.telltale.text;

/**
 * The robust-context option: a declared class of tokens (here: tokens with no letter or digit, so
 * whitespace-only, punctuation, symbols and emoji pieces) that never enter a watermark context and
 * are never scored. Generation feeds its session only the other tokens; detection drops the class
 * before scoring. Inserting or deleting such tokens (the emoji attack, punctuation and spacing
 * edits) then changes no context. The filter is a fixed function of the token ids that never looks
 * at a key, so p-values on the filtered ids stay exact under the null.
 */
public final class ContextSkip {
  // One table per tokenizer instance (building it decodes the whole vocabulary once).
  private static final java.util.Map<Tokenizer, ContextSkip> CACHE =
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  private final boolean[] skip;
  private final String tokenizerName;

  private ContextSkip(boolean[] skip, String tokenizerName) {
    this.skip = skip;
    this.tokenizerName = tokenizerName;
  }

  /** Tokens of {@code tokenizer} whose text has no letter or digit. */
  public static ContextSkip nonWord(Tokenizer tokenizer) {
    boolean[] skip = new boolean[tokenizer.vocabSize()];
    int[] one = new int[1];
    for (int id = 0; id < skip.length; id++) {
      one[0] = id;
      String s;
      try {
        s = tokenizer.decode(one);
      } catch (RuntimeException e) {
        continue; // ids a tokenizer cannot decode (reserved, special) stay ordinary
      }
      boolean word = false;
      for (int i = 0; i < s.length() && !word; ) {
        int cp = s.codePointAt(i);
        word = Character.isLetterOrDigit(cp);
        i += Character.charCount(cp);
      }
      skip[id] = !word;
    }
    return new ContextSkip(skip, tokenizer.name());
  }

  /** {@link #nonWord}, built once per tokenizer instance and shared. */
  public static ContextSkip of(Tokenizer tokenizer) {
    return CACHE.computeIfAbsent(tokenizer, ContextSkip::nonWord);
  }

  public String tokenizerName() {
    return tokenizerName;
  }

  /** Whether {@code id} is of the skipped class. */
  public boolean skips(int id) {
    return id >= 0 && id < skip.length && skip[id];
  }

  /**
   * Copies the ids of {@code ids[off .. off+len)} that are not skipped into {@code out} (at least
   * {@code len} long) and returns how many; allocates nothing.
   */
  public int filter(int[] ids, int off, int len, int[] out) {
    int n = 0;
    for (int i = off; i < off + len; i++) {
      if (!skips(ids[i])) {
        out[n++] = ids[i];
      }
    }
    return n;
  }

  /**
   * As {@link #filter(int[], int, int, int[])}, also writing into {@code positions} the offset
   * (from {@code off}) each kept id had; allocates nothing.
   */
  public int filter(int[] ids, int off, int len, int[] out, int[] positions) {
    int n = 0;
    for (int i = off; i < off + len; i++) {
      if (!skips(ids[i])) {
        positions[n] = i - off;
        out[n++] = ids[i];
      }
    }
    return n;
  }

  /** The ids of {@code ids} that are not skipped, as a new array. */
  public int[] kept(int[] ids) {
    int[] out = new int[ids.length];
    return java.util.Arrays.copyOf(out, filter(ids, 0, ids.length, out));
  }
}
