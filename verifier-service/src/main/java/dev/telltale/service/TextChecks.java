package dev.telltale.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telltale.key.KeyId;
import dev.telltale.text.CharChunks;
import java.util.Iterator;
import java.util.Map;

/**
 * Cheap checks on a parsed JSON request, made before any tokenising: no string (value or name)
 * holds a lone UTF-16 surrogate (400: it has no UTF-8 form, so its digest and its tokens would
 * depend on how it is replaced), a {@code key_id} has the key id form (400), and no text has a run
 * longer than {@code limits.run_chars} without a pre-tokenizer split (413: BPE time grows with the
 * length of one piece, so 490,000 letters without a space cost seconds of CPU).
 */
final class TextChecks {
  private TextChecks() {}

  /** Refuses a lone surrogate anywhere in {@code n} (the rule of every JSON body). */
  static void noLoneSurrogates(JsonNode n) {
    walk(n, Integer.MAX_VALUE);
  }

  /** All checks of a body whose texts will be tokenised. */
  static void forScoring(JsonNode n, int maxRun) {
    JsonNode k = n.get("key_id");
    if (k != null && k.isTextual()) {
      try {
        KeyId.of(k.asText());
      } catch (IllegalArgumentException e) {
        throw ProblemException.badRequest(
            "bad-key-id", "key_id must be 1 to 64 characters of [A-Za-z0-9._-]");
      }
    }
    walk(n, maxRun);
  }

  private static void walk(JsonNode n, int maxRun) {
    if (n.isTextual()) {
      check(n.textValue(), maxRun);
    } else if (n.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = n.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        check(e.getKey(), Integer.MAX_VALUE);
        walk(e.getValue(), maxRun);
      }
    } else if (n.isArray()) {
      for (JsonNode c : n) {
        walk(c, maxRun);
      }
    }
  }

  /** Chars read per chunk: bulk copies out of the string, then plain array reads. */
  private static final int CHUNK = 1024;

  /** This thread's chunk. */
  private static final ThreadLocal<char[]> CHARS = ThreadLocal.withInitial(() -> new char[CHUNK]);

  private static void check(String s, int maxRun) {
    boolean surrogatesOnly = maxRun == Integer.MAX_VALUE;
    char[] buf = CHARS.get();
    int n = s.length();
    int run = 0;
    int kind = -1;
    int start = 0;
    while (start < n) {
      int end = CharChunks.end(s, start, CHUNK); // never between a pair's halves
      int len = end - start;
      s.getChars(start, end, buf, 0);
      start = end;
      if (surrogatesOnly) {
        noLoneSurrogate(buf, len);
        continue;
      }
      for (int i = 0; i < len; i++) {
        char c = buf[i];
        int k;
        if (c < 128) {
          k = ASCII_KIND[c];
        } else if (Character.isSurrogate(c)) {
          if (!Character.isHighSurrogate(c)
              || i + 1 >= len
              || !Character.isLowSurrogate(buf[i + 1])) {
            throw loneSurrogate();
          }
          k = kindOf(Character.toCodePoint(c, buf[++i]));
        } else {
          k = kindOf(c);
        }
        run = k == kind && k != DIGIT ? run + 1 : 1;
        kind = k;
        if (run > maxRun) {
          throw new ProblemException(
              413,
              "run-too-long",
              "Content too large",
              "the text has more than "
                  + maxRun
                  + " characters in a row without a space or punctuation (limits.run_chars)");
        }
      }
    }
  }

  /** The surrogate check alone, without classifying every character for the run check. */
  private static void noLoneSurrogate(char[] buf, int len) {
    for (int i = 0; i < len; i++) {
      char c = buf[i];
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(buf[i + 1])) {
          i++;
        } else {
          throw loneSurrogate();
        }
      }
    }
  }

  private static final int LETTER = 0;
  private static final int DIGIT = 1;
  private static final int SPACE = 2;
  private static final int OTHER = 3;

  /** {@link #kindOf} of every ASCII character: text is mostly ASCII, checked on every request. */
  private static final byte[] ASCII_KIND = new byte[128];

  static {
    for (int c = 0; c < 128; c++) {
      ASCII_KIND[c] = (byte) kindOf(c);
    }
  }

  /** The pre-tokenizer's classes: a run of one class (digits aside) is one piece to BPE. */
  private static int kind(int cp) {
    return cp < 128 ? ASCII_KIND[cp] : kindOf(cp);
  }

  private static int kindOf(int cp) {
    if (Character.isLetter(cp)) {
      return LETTER;
    }
    if (Character.isDigit(cp)) {
      return DIGIT;
    }
    if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
      return SPACE;
    }
    return OTHER;
  }

  private static ProblemException loneSurrogate() {
    return ProblemException.badRequest(
        "lone-surrogate", "a string holds an unpaired UTF-16 surrogate (\\\\uD800-\\\\uDFFF)");
  }
}
