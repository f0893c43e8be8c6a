package dev.telltale.text;

import dev.telltale.collect.ThreadScratch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Tokenises several normal forms of one text, sharing the work on what they have in common. The
 * forms of a text differ only where an attack or a layout touched it (a line break, an invisible
 * character, a look-alike letter), so most of each form is a stretch of characters equal to a
 * stretch of the first form. The first form is tokenised in pieces cut at the ends of those
 * stretches; each other form takes the ids of the shared pieces as they are and tokenises only what
 * lies between them.
 *
 * <p>Why the ids are exact: every cut in a form is one its tokenizer keeps ids across ({@link
 * Tokenizer#isSafeCut}, checked in that form), so a form's ids are the concatenation of its pieces'
 * ids, and a shared piece is the very string the first form's piece is, whose ids {@code
 * tokenizer.encode} gave. A stretch end is checked in both forms, since the characters beyond it
 * differ; inside a stretch the two characters around a cut are the same in both. A tokenizer
 * without safe cuts tokenises every form in full.
 */
public final class FormSpans {
  /** Shared stretches shorter than this are tokenised again: a cut costs more than they save. */
  static final int MIN_SHARED = 32;

  /** Characters that must agree for the two forms to count as in step again after a difference. */
  static final int ANCHOR = 8;

  /** The largest shift (in characters of both forms together) searched for after a difference. */
  static final int MAX_SHIFT = 64;

  private static final int[] NO_RUNS = {};

  private FormSpans() {}

  /**
   * The ids of one form, and the runs of them copied from the first form's ids: triples (start in
   * these ids, start in the first form's ids, length); none for the first form itself.
   */
  public record Encoded(int[] ids, int[] runs) {}

  /**
   * The ids {@code tokenizer.encode(form, deadline)} gives each of {@code forms}, in their order.
   *
   * @throws DeadlineExceededException once the deadline has passed (checked between pieces)
   */
  public static List<int[]> encode(Tokenizer tokenizer, List<String> forms, Deadline deadline) {
    List<int[]> out = new ArrayList<>(forms.size());
    for (Encoded e : encodeSharing(tokenizer, forms, deadline)) {
      out.add(e.ids());
    }
    return out;
  }

  /**
   * {@link #encode}, saying which ids each form shares with the first ({@link Encoded#runs}).
   *
   * @throws DeadlineExceededException once the deadline has passed (checked between pieces)
   */
  public static List<Encoded> encodeSharing(
      Tokenizer tokenizer, List<String> forms, Deadline deadline) {
    List<Encoded> out = new ArrayList<>(forms.size());
    String first = forms.get(0);
    if (forms.size() == 1) {
      out.add(new Encoded(tokenizer.encode(first, deadline), NO_RUNS));
      return out;
    }
    // The forms' characters go to this thread's buffers, not to a new array per form.
    Buffers buffers = BUFFERS.get();
    char[] a = buffers.chars(0, first.length());
    first.getChars(0, first.length(), a, 0);
    int[][] shared = new int[forms.size()][];
    int[] cuts = new int[16];
    int ncuts = 0;
    cuts[ncuts++] = 0;
    cuts[ncuts++] = first.length();
    for (int k = 1; k < forms.size(); k++) {
      String form = forms.get(k);
      char[] b = buffers.chars(1, form.length());
      form.getChars(0, form.length(), b, 0);
      shared[k] = sharedStretches(tokenizer, first, a, form, b);
      if (ncuts + shared[k].length > cuts.length) {
        cuts = Arrays.copyOf(cuts, Math.max(2 * cuts.length, ncuts + shared[k].length));
      }
      for (int s = 0; s < shared[k].length; s += 3) {
        cuts[ncuts++] = shared[k][s];
        cuts[ncuts++] = shared[k][s + 1];
      }
    }
    Arrays.sort(cuts, 0, ncuts);
    int distinct = 0;
    for (int c = 0; c < ncuts; c++) {
      if (c == 0 || cuts[c] != cuts[c - 1]) {
        cuts[distinct++] = cuts[c];
      }
    }
    cuts = Arrays.copyOf(cuts, distinct);
    // The first form, piece by piece; idAt[c] is where the ids of the piece from cuts[c] begin.
    Ids ids = new Ids(buffers.ids(0, first.length() / 3 + 16));
    int[] idAt = new int[cuts.length];
    for (int c = 0; c + 1 < cuts.length; c++) {
      idAt[c] = ids.size;
      ids.add(tokenizer.encode(first.substring(cuts[c], cuts[c + 1]), deadline));
    }
    idAt[cuts.length - 1] = ids.size;
    int[] firstIds = ids.toArray();
    out.add(new Encoded(firstIds, NO_RUNS));
    for (int k = 1; k < forms.size(); k++) {
      String b = forms.get(k);
      Ids own = new Ids(buffers.ids(1, firstIds.length + 16));
      int[] s = shared[k];
      int[] runs = new int[s.length];
      int at = 0;
      for (int t = 0; t < s.length; t += 3) {
        int from = s[t + 2];
        if (from > at) {
          own.add(tokenizer.encode(b.substring(at, from), deadline));
        }
        int i0 = idAt[Arrays.binarySearch(cuts, s[t])];
        int i1 = idAt[Arrays.binarySearch(cuts, s[t + 1])];
        runs[t] = own.size;
        runs[t + 1] = i0;
        runs[t + 2] = i1 - i0;
        own.add(firstIds, i0, i1 - i0);
        at = from + s[t + 1] - s[t];
      }
      if (at < b.length()) {
        own.add(tokenizer.encode(b.substring(at), deadline));
      }
      out.add(new Encoded(own.toArray(), runs));
      buffers.keep(1, own.ids);
    }
    buffers.keep(0, ids.ids);
    buffers.release();
    return out;
  }

  /**
   * The stretches of {@code b} equal to a stretch of the first form {@code a} and cut safely at
   * both ends in both, as triples (start in a, end in a, start in b), in increasing order. Found by
   * walking both forms in step: after a difference, the smallest shift of either that brings {@link
   * #ANCHOR} equal characters is taken (a guess that only decides what is reused).
   */
  static int[] sharedStretches(Tokenizer tokenizer, String first, char[] a, String second) {
    return sharedStretches(tokenizer, first, a, second, second.toCharArray());
  }

  /**
   * {@link #sharedStretches(Tokenizer, String, char[], String)} with the forms' characters at the
   * start of {@code a} and {@code b} (buffers at least as long as the forms).
   */
  private static int[] sharedStretches(
      Tokenizer tokenizer, String first, char[] a, String second, char[] b) {
    int aLength = first.length();
    int bLength = second.length();
    int[] out = new int[24];
    int n = 0;
    int i = 0;
    int j = 0;
    while (i < aLength && j < bLength) {
      int run = Arrays.mismatch(a, i, aLength, b, j, bLength);
      if (run < 0) {
        run = Math.min(aLength - i, bLength - j);
      }
      if (run >= MIN_SHARED) {
        int p0 = firstCut(tokenizer, first, second, i, i + run, j);
        int p1 = lastCut(tokenizer, first, second, i, i + run, j);
        if (p0 >= 0 && p1 - p0 >= MIN_SHARED) {
          if (n + 3 > out.length) {
            out = Arrays.copyOf(out, 2 * out.length);
          }
          out[n++] = p0;
          out[n++] = p1;
          out[n++] = j + p0 - i;
        }
      }
      i += run;
      j += run;
      if (i >= aLength || j >= bLength) {
        break;
      }
      boolean inStep = false;
      search:
      for (int d = 1; d <= MAX_SHIFT; d++) {
        for (int da = 0; da <= d; da++) {
          int ia = i + da;
          int jb = j + d - da;
          if (ia + ANCHOR <= aLength
              && jb + ANCHOR <= bLength
              && Arrays.equals(a, ia, ia + ANCHOR, b, jb, jb + ANCHOR)) {
            i = ia;
            j = jb;
            inStep = true;
            break search;
          }
        }
      }
      if (!inStep) {
        break;
      }
    }
    return Arrays.copyOf(out, n);
  }

  // Whether p (in a) and its place in b, j0 + p - i0, are cuts of both forms; inside the equal
  // stretch a[i0, i1) the two characters around p are the same in both.
  private static boolean cutsBoth(Tokenizer t, String a, String b, int i0, int i1, int j0, int p) {
    int q = j0 + p - i0;
    if (p == 0 && q == 0) {
      return true;
    }
    if (p == a.length() && q == b.length()) {
      return true;
    }
    boolean inside = p > i0 && p < i1;
    return t.isSafeCut(a, p) && (inside || t.isSafeCut(b, q));
  }

  private static int firstCut(Tokenizer t, String a, String b, int i0, int i1, int j0) {
    for (int p = i0; p <= i1; p++) {
      if (cutsBoth(t, a, b, i0, i1, j0, p)) {
        return p;
      }
    }
    return -1;
  }

  private static int lastCut(Tokenizer t, String a, String b, int i0, int i1, int j0) {
    for (int p = i1; p >= i0; p--) {
      if (cutsBoth(t, a, b, i0, i1, j0, p)) {
        return p;
      }
    }
    return -1;
  }

  private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

  /** Two character buffers a thread reuses; one a huge text grew is let go after the call. */
  private static final class Buffers {
    private final char[][] chars = {new char[1024], new char[1024]};
    private final int[][] ids = {new int[1024], new int[1024]};

    /** The {@code k}-th ids buffer, at least {@code capacity} long (an {@link Ids} grows it). */
    int[] ids(int k, int capacity) {
      if (ids[k].length < capacity) {
        ids[k] = new int[Math.max(capacity, 2 * ids[k].length)];
      }
      return ids[k];
    }

    /** Keeps what an {@link Ids} grew the {@code k}-th buffer to. */
    void keep(int k, int[] grown) {
      ids[k] = grown;
    }

    char[] chars(int k, int length) {
      if (chars[k].length < length) {
        chars[k] = new char[Math.max(length, 2 * chars[k].length)];
      }
      return chars[k];
    }

    void release() {
      for (int k = 0; k < 2; k++) {
        if (chars[k].length > ThreadScratch.KEPT) {
          chars[k] = new char[1024];
        }
        if (ids[k].length > ThreadScratch.KEPT) {
          ids[k] = new int[1024];
        }
      }
    }
  }

  /** A growing array of ids. */
  private static final class Ids {
    int[] ids;
    int size;

    /** Ids written over {@code buffer} (grown as needed; {@link #toArray} copies them out). */
    Ids(int[] buffer) {
      ids = buffer;
    }

    void add(int[] more) {
      add(more, 0, more.length);
    }

    void add(int[] more, int off, int len) {
      if (size + len > ids.length) {
        ids = Arrays.copyOf(ids, Math.max(2 * ids.length, size + len));
      }
      System.arraycopy(more, off, ids, size, len);
      size += len;
    }

    int[] toArray() {
      return Arrays.copyOf(ids, size);
    }
  }
}
