package dev.telltale.evidence.log;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telltale.evidence.CanonicalJson;
import dev.telltale.evidence.EnvelopeReader;
import dev.telltale.evidence.EvidenceFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * A {@link LogStore} in a folder: {@code entries.log} and {@code tree-heads.jsonl}.
 *
 * <p>{@code entries.log} is the 16-byte header {@code "telltale-log v1\n"} followed by one record
 * per entry: entry length (4 bytes big-endian), hash count {@code c} (1 byte), a CRC32C of those 5
 * bytes (4 bytes big-endian), the entry bytes, the {@code c} 32-byte hashes this entry completes
 * (leaf hash first, then the parent nodes at levels 1..c-1; see {@link LogRecord}) and a CRC32C (4
 * bytes big-endian) of everything before it in the record. The header checksum tells a damaged
 * length (an error) from a record cut short by a crash (recoverable). Keeping the hashes inside the
 * record makes each append one write and one fsync, and the checksum covers entry and hashes
 * together, so there is no derived file to reconcile after a crash. {@code tree-heads.jsonl} holds
 * one signed tree head per line (canonical JSON), appended and synced.
 *
 * <p>Opening checks every record: both checksums, the leaf hash against the entry and every stored
 * parent against its children (the hashing an append does, about two SHA-256 per entry), and the
 * latest signed tree head's root against the stored hashes. A torn or checksum-failing last record
 * (or a zero-filled tail) is what a crash during an append leaves: it is dropped and the file
 * truncated, unless a signed tree head already covers it. Damage anywhere else, a stored hash that
 * does not match (the checksums hold, so no crash left it), or a tree head whose root the stored
 * hashes do not reproduce, raises {@link LogCorruptedException} naming the entry and offset;
 * nothing is repaired. The store holds an exclusive lock on {@code entries.log} while open. Reads
 * are thread-safe; appends must be serialized by the caller ({@link MerkleLog} does).
 */
public final class FileLogStore implements LogStore {
  public static final String ENTRIES = "entries.log";
  public static final String TREE_HEADS = "tree-heads.jsonl";
  static final byte[] HEADER = "telltale-log v1\n".getBytes(StandardCharsets.US_ASCII);

  /** Largest entry accepted. */
  public static final int MAX_ENTRY_BYTES = 64 << 20;

  static final int PREFIX = 9;
  private static final int CRC = 4;

  private final Path dir;
  private final FileChannel entries;
  private final FileLock lock;
  private final FileChannel heads;
  private long[] starts = new long[1024];
  private int[] lengths = new int[1024];
  private long size;
  private long end;
  private final List<SignedTreeHead> treeHeads = new ArrayList<>();
  private long truncatedBytes;

  private FileLogStore(Path dir) throws IOException {
    this.dir = dir;
    Files.createDirectories(dir);
    Path file = dir.resolve(ENTRIES);
    boolean fresh = !Files.exists(file);
    this.entries =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock l;
    try {
      l = entries.tryLock();
    } catch (IOException e) {
      entries.close();
      throw e;
    } catch (java.nio.channels.OverlappingFileLockException e) {
      l = null; // held by this JVM
    }
    if (l == null) {
      entries.close();
      throw new IOException("log '" + dir + "' is in use by another process");
    }
    this.lock = l;
    this.heads =
        FileChannel.open(
            dir.resolve(TREE_HEADS),
            StandardOpenOption.CREATE,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE);
    try {
      if (fresh || entries.size() == 0) {
        entries.write(ByteBuffer.wrap(HEADER), 0);
        entries.force(true);
        syncDirectory(dir);
      }
      readTreeHeads();
      scan();
      checkLatestHead();
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Opens (creating if needed) the log in {@code dir}, checking and recovering as described. */
  public static FileLogStore open(Path dir) throws IOException {
    return new FileLogStore(dir);
  }

  public Path directory() {
    return dir;
  }

  /** Bytes of a torn tail dropped when this store was opened (0 after a clean shutdown). */
  public long truncatedBytes() {
    return truncatedBytes;
  }

  private void scan() throws IOException {
    long fileSize = entries.size();
    byte[] header = new byte[HEADER.length];
    if (fileSize < HEADER.length || read(0, header) < HEADER.length) {
      throw new LogCorruptedException(
          dir.resolve(ENTRIES) + " is not a telltale log (short header)");
    }
    if (!Arrays.equals(header, HEADER)) {
      throw new LogCorruptedException(dir.resolve(ENTRIES) + " is not a telltale log (header)");
    }
    long committed = treeHeads.stream().mapToLong(SignedTreeHead::treeSize).max().orElse(0);
    long pos = HEADER.length;
    CRC32C crc = new CRC32C();
    // frontier[l]: the latest complete level-l node, the left sibling of the next one.
    byte[][] frontier = new byte[64][];
    while (pos < fileSize) {
      String problem = null;
      boolean beyondEnd = false;
      int len = -1;
      int count = -1;
      if (fileSize - pos < PREFIX) {
        problem = "a record header cut short";
        beyondEnd = true;
      } else {
        ByteBuffer p = ByteBuffer.allocate(PREFIX);
        read(pos, p.array());
        len = p.getInt(0);
        count = p.get(4) & 0xff;
        crc.reset();
        crc.update(p.array(), 0, 5);
        if ((int) crc.getValue() != p.getInt(5)) {
          problem = "a record header checksum mismatch";
          // Fewer bytes than the smallest record: a header cut short, whatever it reads as.
          beyondEnd = fileSize - pos < recordLength(0, 1);
        } else if (len < 0 || len > MAX_ENTRY_BYTES) {
          problem = "an impossible entry length " + len;
        } else if (count != LogRecord.hashCount(size)) {
          problem =
              "hash count "
                  + count
                  + " where entry "
                  + size
                  + " needs "
                  + LogRecord.hashCount(size);
        } else if (pos + recordLength(len, count) > fileSize) {
          problem = "a record cut short";
          beyondEnd = true;
        }
      }
      byte[] rec = null;
      if (problem == null) {
        rec = new byte[(int) recordLength(len, count)];
        read(pos, rec);
        crc.reset();
        crc.update(rec, 0, rec.length - CRC);
        int stored = ByteBuffer.wrap(rec, rec.length - CRC, CRC).getInt();
        if ((int) crc.getValue() != stored) {
          problem = "a checksum mismatch";
        } else {
          String bad = checkHashes(rec, len, count, frontier);
          if (bad != null) {
            // The checksums hold, so no crash left this: the file was altered or mis-written.
            throw new LogCorruptedException(
                dir.resolve(ENTRIES) + ": entry " + size + " at offset " + pos + " has " + bad);
          }
        }
      }
      if (problem != null) {
        boolean last =
            beyondEnd || (rec != null && pos + rec.length == fileSize) || zeroFrom(pos, fileSize);
        if (!last || size < committed) {
          throw new LogCorruptedException(
              dir.resolve(ENTRIES)
                  + ": entry "
                  + size
                  + " at offset "
                  + pos
                  + " is corrupt ("
                  + problem
                  + ")"
                  + (last ? "; a signed tree head covers it, so it is not a torn append" : ""));
        }
        truncatedBytes = fileSize - pos;
        entries.truncate(pos);
        entries.force(true);
        break;
      }
      index(pos, len);
      pos += rec.length;
    }
    end = pos;
    if (size < committed) {
      throw new LogCorruptedException(
          dir.resolve(ENTRIES)
              + " holds "
              + size
              + " entries but a signed tree head covers "
              + committed
              + " (the file was truncated)");
    }
  }

  /**
   * Recomputes what the record stores: its leaf hash from its entry and each parent from its left
   * sibling (the previous complete node of that level) and the level below; then advances the
   * frontier. Two hashes per entry on average, as appending costs. Null when all match.
   */
  private static String checkHashes(byte[] rec, int len, int count, byte[][] frontier) {
    int at = PREFIX + len;
    byte[][] h = new byte[count][];
    for (int l = 0; l < count; l++) {
      h[l] = Arrays.copyOfRange(rec, at + 32 * l, at + 32 * (l + 1));
    }
    if (!Arrays.equals(MerkleHash.leaf(Arrays.copyOfRange(rec, PREFIX, at)), h[0])) {
      return "a leaf hash that is not the hash of its entry";
    }
    for (int l = 1; l < count; l++) {
      if (frontier[l - 1] == null
          || !Arrays.equals(MerkleHash.node(frontier[l - 1], h[l - 1]), h[l])) {
        return "a stored level-" + l + " tree hash that is not the hash of its children";
      }
    }
    System.arraycopy(h, 0, frontier, 0, count);
    return null;
  }

  private void checkLatestHead() throws IOException {
    // The latest head is checked on every open (O(log n) reads); older heads are covered by
    // consistency proofs against it.
    Optional<SignedTreeHead> h = latestTreeHead();
    if (h.isPresent()
        && !MessageDigest.isEqual(MerkleTree.root(this, h.get().treeSize()), h.get().rootHash())) {
      throw new LogCorruptedException(
          dir.resolve(ENTRIES)
              + ": the stored hashes do not reproduce the root of the signed tree head of size "
              + h.get().treeSize());
    }
  }

  private boolean zeroFrom(long pos, long fileSize) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(1 << 16);
    for (long p = pos; p < fileSize; ) {
      b.clear();
      int r = entries.read(b, p);
      if (r <= 0) {
        break;
      }
      for (int i = 0; i < r; i++) {
        if (b.get(i) != 0) {
          return false;
        }
      }
      p += r;
    }
    return true;
  }

  static long recordLength(int len, int count) {
    return PREFIX + (long) len + 32L * count + CRC;
  }

  private void index(long start, int len) {
    if (size == starts.length) {
      starts = Arrays.copyOf(starts, starts.length * 2);
      lengths = Arrays.copyOf(lengths, lengths.length * 2);
    }
    starts[(int) size] = start;
    lengths[(int) size] = len;
    size++;
  }

  private void readTreeHeads() throws IOException {
    long fileSize = heads.size();
    byte[] all = new byte[Math.toIntExact(fileSize)];
    ByteBuffer b = ByteBuffer.wrap(all);
    while (b.hasRemaining() && heads.read(b, b.position()) > 0) {}
    int lineStart = 0;
    int line = 1;
    while (lineStart < all.length) {
      int nl = indexOf(all, (byte) '\n', lineStart);
      boolean complete = nl >= 0;
      int lineEnd = complete ? nl : all.length;
      Optional<SignedTreeHead> h = parseHead(Arrays.copyOfRange(all, lineStart, lineEnd));
      if (h.isEmpty()) {
        if (complete) {
          throw new LogCorruptedException(
              dir.resolve(TREE_HEADS)
                  + ": line "
                  + line
                  + " at offset "
                  + lineStart
                  + " is not a signed tree head");
        }
        // A head cut short by a crash: drop it.
        heads.truncate(lineStart);
        heads.force(true);
        break;
      }
      if (!complete) {
        heads.write(ByteBuffer.wrap(new byte[] {'\n'}), all.length);
        heads.force(true);
      }
      treeHeads.add(h.get());
      lineStart = lineEnd + 1;
      line++;
    }
  }

  private static Optional<SignedTreeHead> parseHead(byte[] line) {
    try {
      JsonNode n = EnvelopeReader.MAPPER.readTree(line);
      return Optional.of(SignedTreeHead.fromJson(n));
    } catch (IOException | EvidenceFormatException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static int indexOf(byte[] a, byte v, int from) {
    for (int i = from; i < a.length; i++) {
      if (a[i] == v) {
        return i;
      }
    }
    return -1;
  }

  private int read(long pos, byte[] into) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(into);
    while (b.hasRemaining()) {
      if (entries.read(b, pos + b.position()) < 0) {
        break;
      }
    }
    return b.position();
  }

  @Override
  public synchronized long size() {
    return size;
  }

  @Override
  public byte[] entry(long index) throws IOException {
    long start;
    int len;
    synchronized (this) {
      checkIndex(index);
      start = starts[(int) index];
      len = lengths[(int) index];
    }
    byte[] out = new byte[len];
    read(start + PREFIX, out);
    return out;
  }

  @Override
  public byte[] hash(int level, long index) throws IOException {
    long leaf = ((index + 1) << level) - 1;
    long start;
    int len;
    synchronized (this) {
      checkIndex(leaf);
      start = starts[(int) leaf];
      len = lengths[(int) leaf];
    }
    byte[] out = new byte[MerkleHash.SIZE];
    read(start + PREFIX + len + 32L * level, out);
    return out;
  }

  private void checkIndex(long index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException("entry " + index + " of a log of " + size);
    }
  }

  @Override
  public synchronized void append(List<LogRecord> records) throws IOException {
    long total = 0;
    for (LogRecord r : records) {
      total += recordLength(r.entry().length, r.hashes().size());
    }
    ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(total));
    long[] recStarts = new long[records.size()];
    int[] recLens = new int[records.size()];
    CRC32C crc = new CRC32C();
    for (int k = 0; k < records.size(); k++) {
      LogRecord r = records.get(k);
      byte[] e = r.entry();
      if (e.length > MAX_ENTRY_BYTES) {
        throw new IllegalArgumentException("an entry is at most " + MAX_ENTRY_BYTES + " bytes");
      }
      if (r.hashes().size() != LogRecord.hashCount(size + k)) {
        throw new IllegalArgumentException("wrong hash count for entry " + (size + k));
      }
      int recStart = b.position();
      recStarts[k] = end + recStart;
      recLens[k] = e.length;
      b.putInt(e.length).put((byte) r.hashes().size());
      crc.reset();
      crc.update(b.array(), recStart, 5);
      b.putInt((int) crc.getValue()).put(e);
      r.hashes().forEach(b::put);
      crc.reset();
      crc.update(b.array(), recStart, b.position() - recStart);
      b.putInt((int) crc.getValue());
    }
    b.flip();
    try {
      long p = end;
      while (b.hasRemaining()) {
        p += entries.write(b, p);
      }
      entries.force(false);
    } catch (IOException e) {
      entries.truncate(end);
      throw e;
    }
    for (int k = 0; k < records.size(); k++) {
      index(recStarts[k], recLens[k]);
    }
    end += total;
  }

  @Override
  public synchronized Optional<SignedTreeHead> latestTreeHead() {
    return treeHeads.isEmpty()
        ? Optional.empty()
        : Optional.of(treeHeads.get(treeHeads.size() - 1));
  }

  @Override
  public synchronized Optional<SignedTreeHead> treeHead(long treeSize) {
    for (int i = treeHeads.size() - 1; i >= 0; i--) {
      if (treeHeads.get(i).treeSize() == treeSize) {
        return Optional.of(treeHeads.get(i));
      }
    }
    return Optional.empty();
  }

  @Override
  public synchronized void addTreeHead(SignedTreeHead head) throws IOException {
    if (head.treeSize() > size) {
      throw new IllegalArgumentException("a tree head beyond the log's end");
    }
    byte[] line = (CanonicalJson.string(head.toJson()) + "\n").getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.wrap(line);
    long p = heads.size();
    while (b.hasRemaining()) {
      p += heads.write(b, p);
    }
    heads.force(false);
    treeHeads.add(head);
  }

  @Override
  public synchronized void close() throws IOException {
    try {
      if (lock != null && lock.isValid()) {
        lock.release();
      }
    } finally {
      entries.close();
      if (heads != null) {
        heads.close();
      }
    }
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Not every platform can open a directory for syncing; the file itself was synced.
    }
  }
}
