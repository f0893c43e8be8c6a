package dev.telltale.text;

import dev.telltale.collect.LongMinHeaps;
import dev.telltale.collect.ThreadScratch;
import dev.telltale.text.hf.Llama3Splitter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * A tiktoken byte-pair encoding (cl100k_base) that gives exactly jtokkit's ids, faster: the text is
 * split by the hand-written cl100k pattern matcher ({@link Llama3Splitter}, with its ASCII fast
 * path), each piece's UTF-8 bytes are looked up whole, and only pieces that are not one token go
 * through BPE. Tokens are looked up in open-addressing tables of primitive arrays instead of a map
 * of boxed byte arrays: a token of up to 7 bytes is its own key (its bytes and length packed in a
 * {@code long}, compared without touching the token bytes); a longer one is found by a 64-bit hash
 * and then compared with its bytes.
 *
 * <p>BPE follows tiktoken: repeatedly merge the adjacent pair whose concatenation has the lowest
 * rank, the leftmost of equal ranks, until no pair is a token. Short pieces use tiktoken's scan of
 * all pairs; pieces longer than {@value #SCAN_LIMIT} bytes use a heap of (rank, position) with lazy
 * invalidation, which merges in the same order in O(n log n), so a text made of one huge piece
 * costs no more than its length warrants. {@code TiktokenBpeTest} holds every path to jtokkit's ids
 * on real and random text.
 *
 * <p>Instances are immutable and thread-safe; each thread keeps its work arrays between calls, so a
 * call allocates only the ids it returns.
 */
final class TiktokenBpe {
  /** Longest piece, in bytes, merged by scanning all pairs; longer ones use the heap. */
  static final int SCAN_LIMIT = 64;

  private static final int SHORT = 7;
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
  private static final int NONE = -1;
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final Llama3Splitter splitter;
  private final int[] byteRanks = new int[256];

  /** Pairs of (key, rank): a key and its rank share a cache line. */
  private final long[] shortTable;

  private final int shortShift;

  /** Pairs of (hash, offset in the pool << 40 | length << 24 | rank). */
  private final long[] longTable;

  private final int longShift;
  private final byte[] pool;
  private final int[] offsets;
  private final int[] lengths;

  private TiktokenBpe(Llama3Splitter splitter, List<byte[]> tokens, int[] ranks) {
    this.splitter = splitter;
    int maxRank = -1;
    int shortCount = 0;
    int poolSize = 0;
    for (int t = 0; t < tokens.size(); t++) {
      maxRank = Math.max(maxRank, ranks[t]);
      shortCount += tokens.get(t).length <= SHORT ? 1 : 0;
      poolSize += tokens.get(t).length;
    }
    int shortBits = bitsFor(shortCount);
    int longBits = bitsFor(tokens.size() - shortCount);
    shortTable = new long[2 << shortBits];
    shortShift = 64 - shortBits;
    longTable = new long[2 << longBits];
    if (poolSize >= 1 << 24 || maxRank >= 1 << 24) {
      throw new IllegalArgumentException("too many tokens for the table's packing");
    }
    longShift = 64 - longBits;
    pool = new byte[poolSize];
    offsets = new int[maxRank + 1];
    lengths = new int[maxRank + 1];
    Arrays.fill(lengths, -1);
    Arrays.fill(byteRanks, NONE);
    int at = 0;
    for (int t = 0; t < tokens.size(); t++) {
      byte[] b = tokens.get(t);
      int rank = ranks[t];
      if (lengths[rank] >= 0) {
        throw new IllegalArgumentException("rank " + rank + " appears twice");
      }
      System.arraycopy(b, 0, pool, at, b.length);
      offsets[rank] = at;
      lengths[rank] = b.length;
      at += b.length;
      if (lookup(b, 0, b.length) != NONE) {
        throw new IllegalArgumentException("token of rank " + rank + " appears twice");
      }
      if (b.length == 1) {
        byteRanks[b[0] & 0xFF] = rank;
      }
      if (b.length <= SHORT) {
        int i = slot(shortKey(b, 0, b.length), shortShift);
        while (shortTable[2 * i] != 0) {
          i = (i + 1) & ((shortTable.length >> 1) - 1);
        }
        shortTable[2 * i] = shortKey(b, 0, b.length);
        shortTable[2 * i + 1] = rank;
      } else {
        long h = longHash(b, 0, b.length);
        int i = slot(h, longShift);
        while (longTable[2 * i] != 0) {
          i = (i + 1) & ((longTable.length >> 1) - 1);
        }
        if (b.length >= 1 << 16) {
          throw new IllegalArgumentException("token of rank " + rank + " is too long");
        }
        longTable[2 * i] = h;
        longTable[2 * i + 1] = ((long) offsets[rank] << 40) | ((long) b.length << 24) | rank;
      }
    }
    for (int b = 0; b < 256; b++) {
      if (byteRanks[b] == NONE) {
        throw new IllegalArgumentException("byte " + b + " is not a token");
      }
    }
  }

  private static int bitsFor(int count) {
    // load factor at most 1/2
    return Math.max(4, 64 - Long.numberOfLeadingZeros(Math.max(1, 2L * count - 1)));
  }

  /** The cl100k_base encoding, its ranks read from the file jtokkit ships. */
  static TiktokenBpe cl100kBase() {
    return fromResource("/com/knuddels/jtokkit/cl100k_base.tiktoken", Llama3Splitter.cl100k());
  }

  /**
   * An encoding from a {@code .tiktoken} resource on jtokkit's class path (lines of base64 token
   * bytes and rank) and the matcher of its split pattern.
   */
  static TiktokenBpe fromResource(String resource, Llama3Splitter splitter) {
    List<byte[]> tokens = new ArrayList<>(1 << 17);
    int[] ranks = new int[1 << 17];
    try (InputStream in = com.knuddels.jtokkit.Encodings.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("jtokkit has no resource " + resource);
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      Base64.Decoder base64 = Base64.getDecoder();
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.isEmpty()) {
          continue;
        }
        int space = line.indexOf(' ');
        if (space <= 0) {
          throw new IllegalStateException(resource + ": malformed line '" + line + "'");
        }
        if (tokens.size() == ranks.length) {
          ranks = Arrays.copyOf(ranks, ranks.length * 2);
        }
        ranks[tokens.size()] = Integer.parseInt(line.substring(space + 1).trim());
        tokens.add(base64.decode(line.substring(0, space)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
    return new TiktokenBpe(splitter, tokens, ranks);
  }

  /** Number of ranks (highest rank + 1). */
  int size() {
    return lengths.length;
  }

  /** The ids of {@code text}, special tokens treated as ordinary text. */
  int[] encode(String text) {
    int n = text.length();
    Scratch s = SCRATCH.get();
    s.size = 0;
    for (int i = 0; i < n; ) {
      int end = splitter.asciiMatchAt(text, i, n);
      int len;
      if (end > i) { // an ASCII piece: its chars are its bytes
        len = s.ascii(text, i, end);
      } else {
        end = splitter.generalMatchAt(text, i, n);
        len = s.utf8(text, i, end);
      }
      if (len == 1) {
        s.add(byteRanks[s.bytes[0] & 0xFF]);
      } else {
        int rank = lookup(s.bytes, 0, len);
        if (rank != NONE) {
          s.add(rank);
        } else if (len <= SCAN_LIMIT) {
          mergeByScan(s, len);
        } else {
          mergeByHeap(s, len);
        }
      }
      i = end;
    }
    int[] ids = Arrays.copyOf(s.out, s.size);
    s.release();
    return ids;
  }

  /** Rank of {@code b[off, off+len)} as one token, or {@value #NONE}. */
  int lookup(byte[] b, int off, int len) {
    if (len <= SHORT) {
      long key = shortKey(b, off, len);
      long[] table = shortTable;
      int mask = (table.length >> 1) - 1;
      for (int i = slot(key, shortShift); ; i = (i + 1) & mask) {
        long found = table[2 * i];
        if (found == key) {
          return (int) table[2 * i + 1];
        }
        if (found == 0) {
          return NONE;
        }
      }
    }
    long h = longHash(b, off, len);
    long[] table = longTable;
    int mask = (table.length >> 1) - 1;
    for (int i = slot(h, longShift); ; i = (i + 1) & mask) {
      long found = table[2 * i];
      if (found == 0) {
        return NONE;
      }
      if (found == h) {
        long entry = table[2 * i + 1];
        if ((int) (entry >>> 24 & 0xFFFF) == len
            && sameLongBytes(pool, (int) (entry >>> 40), b, off, len)) {
          return (int) (entry & 0xFFFFFF);
        }
      }
    }
  }

  /** Whether {@code a[ao, ao+len)} and {@code b[bo, bo+len)} are equal, {@code len >= 8}. */
  private static boolean sameLongBytes(byte[] a, int ao, byte[] b, int bo, int len) {
    int j = 0;
    for (; j + 8 <= len; j += 8) {
      if ((long) LONGS.get(a, ao + j) != (long) LONGS.get(b, bo + j)) {
        return false;
      }
    }
    return j == len || (long) LONGS.get(a, ao + len - 8) == (long) LONGS.get(b, bo + len - 8);
  }

  /** Bytes of a token, for tests. */
  byte[] bytes(int rank) {
    return Arrays.copyOfRange(pool, offsets[rank], offsets[rank] + lengths[rank]);
  }

  private static int slot(long key, int shift) {
    return (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
  }

  /** Up to 7 bytes little-endian with the length in the top byte: never 0 for a non-empty key. */
  private static long shortKey(byte[] b, int off, int len) {
    if (off + 8 <= b.length) { // one load, the bytes past the key masked off
      return ((long) LONGS.get(b, off) & (-1L >>> (64 - 8 * len))) | ((long) len << 56);
    }
    long k = 0;
    for (int j = len - 1; j >= 0; j--) {
      k = (k << 8) | (b[off + j] & 0xFFL);
    }
    return k | ((long) len << 56);
  }

  /** A 64-bit hash of 8 or more bytes, never 0. */
  private static long longHash(byte[] b, int off, int len) {
    long h = len * 0xD6E8FEB86659FD93L;
    int j = 0;
    for (; j + 8 <= len; j += 8) {
      h = (h ^ (long) LONGS.get(b, off + j)) * 0xBF58476D1CE4E5B9L;
      h ^= h >>> 31;
    }
    if (j < len) {
      // the last 8 bytes again, overlapping: no byte-by-byte tail
      h = (h ^ (long) LONGS.get(b, off + len - 8)) * 0x94D049BB133111EBL;
      h ^= h >>> 29;
    }
    h *= 0xBF58476D1CE4E5B9L;
    h ^= h >>> 32;
    return h == 0 ? 1 : h;
  }

  /**
   * tiktoken's merge loop: {@code starts[0..count)} are the parts' first bytes plus the end, and
   * {@code pair[i]} the rank of parts {@code i} and {@code i+1} joined.
   */
  private void mergeByScan(Scratch s, int len) {
    int[] starts = s.starts(len + 1);
    int[] pair = s.ranks(len + 1);
    byte[] b = s.bytes;
    for (int i = 0; i <= len; i++) {
      starts[i] = i;
    }
    for (int i = 0; i + 1 < len; i++) {
      pair[i] = rankOrMax(b, i, 2);
    }
    int count = len + 1;
    pair[len - 1] = Integer.MAX_VALUE;
    while (true) {
      int min = Integer.MAX_VALUE;
      int at = -1;
      for (int i = 0; i + 2 < count; i++) {
        if (pair[i] < min) {
          min = pair[i];
          at = i;
        }
      }
      if (at < 0) {
        break;
      }
      // parts at and at+1 become one: drop starts[at+1], then re-rank the pairs around it
      System.arraycopy(starts, at + 2, starts, at + 1, count - at - 2);
      System.arraycopy(pair, at + 2, pair, at + 1, count - at - 2);
      count--;
      pair[at] =
          at + 2 < count
              ? rankOrMax(b, starts[at], starts[at + 2] - starts[at])
              : Integer.MAX_VALUE;
      if (at > 0) {
        pair[at - 1] = rankOrMax(b, starts[at - 1], starts[at + 1] - starts[at - 1]);
      }
    }
    for (int i = 0; i + 1 < count; i++) {
      s.add(lookup(b, starts[i], starts[i + 1] - starts[i]));
    }
  }

  /**
   * The same merges in the same order for long pieces: parts are a linked list by first byte, and
   * candidate pairs sit in a min-heap keyed by (rank, first byte), so the top is the lowest rank
   * and the leftmost among equal ranks. An entry is stale once its left part has grown or gone; a
   * token's rank names its bytes, so an entry is current exactly when its part still starts there
   * and its pair still has that rank.
   */
  private void mergeByHeap(Scratch s, int len) {
    byte[] b = s.bytes;
    int[] next = s.starts(len + 1);
    int[] prev = s.ranks(len + 1);
    long[] heap = s.heap(3 * len); // len - 1 pairs, then at most two per merge
    boolean[] gone = s.gone(len + 1);
    int size = 0;
    for (int i = 0; i <= len; i++) {
      next[i] = i + 1;
      prev[i] = i - 1;
    }
    for (int i = 0; i + 1 < len; i++) {
      int r = lookup(b, i, 2);
      if (r != NONE) {
        size = LongMinHeaps.push(heap, size, ((long) r << 32) | i);
      }
    }
    while (size > 0) {
      long top = heap[0];
      size = LongMinHeaps.pop(heap, size);
      int at = (int) top;
      int rank = (int) (top >>> 32);
      if (gone[at]) {
        continue;
      }
      int right = next[at];
      if (right >= len) {
        continue;
      }
      int end = next[right];
      if (lookup(b, at, end - at) != rank) {
        continue;
      }
      gone[right] = true;
      next[at] = end;
      prev[end] = at;
      if (end < len) {
        int r = lookup(b, at, next[end] - at);
        if (r != NONE) {
          size = LongMinHeaps.push(heap, size, ((long) r << 32) | at);
        }
      }
      int before = prev[at];
      if (before >= 0) {
        int r = lookup(b, before, end - before);
        if (r != NONE) {
          size = LongMinHeaps.push(heap, size, ((long) r << 32) | before);
        }
      }
    }
    for (int i = 0; i < len; i = next[i]) {
      s.add(lookup(b, i, next[i] - i));
    }
  }

  private int rankOrMax(byte[] b, int off, int len) {
    int r = lookup(b, off, len);
    return r == NONE ? Integer.MAX_VALUE : r;
  }

  /**
   * One thread's output and work arrays, kept between calls (a call allocates only the ids it
   * returns); arrays grown past {@value ThreadScratch#KEPT} elements by a huge text are let go
   * after the call.
   */
  private static final class Scratch {
    int[] out = new int[1024];
    int size;
    byte[] bytes = new byte[72];
    private int[] starts = new int[SCAN_LIMIT + 1];
    private int[] ranks = new int[SCAN_LIMIT + 1];
    private long[] heap;
    private boolean[] gone;

    void release() {
      if (out.length > ThreadScratch.KEPT) {
        out = new int[1024];
      }
      if (bytes.length > ThreadScratch.KEPT) {
        bytes = new byte[72];
      }
      if (starts.length > ThreadScratch.KEPT) {
        starts = new int[SCAN_LIMIT + 1];
        ranks = new int[SCAN_LIMIT + 1];
      }
      if (heap != null && heap.length > ThreadScratch.KEPT) {
        heap = null;
        gone = null;
      }
    }

    void add(int id) {
      if (size == out.length) {
        out = Arrays.copyOf(out, out.length * 2);
      }
      out[size++] = id;
    }

    /**
     * Writes the UTF-8 bytes of {@code text[from, to)} to {@link #bytes} and returns their count;
     * like jtokkit, a lone surrogate is written as its own three-byte sequence.
     */
    int utf8(String text, int from, int to) {
      room(3 * (to - from));
      byte[] b = bytes;
      int k = 0;
      for (int i = from; i < to; ) {
        char c = text.charAt(i);
        if (c < 0x80) {
          b[k++] = (byte) c;
          i++;
          continue;
        }
        int cp = text.codePointAt(i);
        i += Character.charCount(cp);
        if (cp < 0x800) {
          b[k++] = (byte) (0xC0 | (cp >> 6));
          b[k++] = (byte) (0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
          b[k++] = (byte) (0xE0 | (cp >> 12));
          b[k++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
          b[k++] = (byte) (0x80 | (cp & 0x3F));
        } else {
          b[k++] = (byte) (0xF0 | (cp >> 18));
          b[k++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
          b[k++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
          b[k++] = (byte) (0x80 | (cp & 0x3F));
        }
      }
      return k;
    }

    /** Writes {@code text[from, to)}, all ASCII, to {@link #bytes}; returns its length. */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int) keeps the low bytes
    int ascii(String text, int from, int to) {
      room(to - from);
      text.getBytes(from, to, bytes, 0);
      return to - from;
    }

    /** Room for {@code n} bytes and 8 more, so that a key is read in one 8-byte load. */
    private void room(int n) {
      if (bytes.length < n + 8) {
        bytes = new byte[Math.max(2 * bytes.length, n + 8)];
      }
    }

    int[] starts(int n) {
      if (starts.length < n) {
        starts = new int[n];
      }
      return starts;
    }

    int[] ranks(int n) {
      if (ranks.length < n) {
        ranks = new int[n];
      }
      return ranks;
    }

    long[] heap(int n) {
      if (heap == null || heap.length < n) {
        heap = new long[n];
      }
      return heap;
    }

    boolean[] gone(int n) {
      if (gone == null || gone.length < n) {
        gone = new boolean[n];
      } else {
        Arrays.fill(gone, 0, n, false);
      }
      return gone;
    }
  }
}
