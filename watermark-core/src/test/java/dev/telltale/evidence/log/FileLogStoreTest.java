package dev.telltale.evidence.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.evidence.EnvelopeSigner;
import dev.telltale.evidence.EvidenceFixtures;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Crash recovery and corruption detection of the file-backed log. */
class FileLogStoreTest {
  @TempDir Path dir;

  private final EnvelopeSigner signer = EnvelopeSigner.of(EvidenceFixtures.active());

  static byte[] entry(int i) {
    return ("entry number " + i + " " + "x".repeat(i % 17)).getBytes(StandardCharsets.UTF_8);
  }

  /** Appends {@code n} entries (one by one and in a batch), signing a head after {@code signed}. */
  private List<byte[]> fill(int n, int signed) throws IOException {
    List<byte[]> roots = new ArrayList<>();
    try (MerkleLog log = MerkleLog.over(FileLogStore.open(dir))) {
      for (int i = 0; i < n / 2; i++) {
        log.append(entry(i));
      }
      List<byte[]> batch = new ArrayList<>();
      for (int i = n / 2; i < n; i++) {
        batch.add(entry(i));
      }
      log.appendAll(batch);
      for (int s = 0; s <= n; s++) {
        roots.add(log.root(s));
      }
      if (signed > 0) {
        // A head over the first `signed` entries: sign a tree head now would cover all n, so use
        // the store directly.
        log.store()
            .addTreeHead(SignedTreeHead.sign(signed, log.root(signed), Instant.now(), signer));
      }
    }
    return roots;
  }

  private long fileSize() throws IOException {
    return Files.size(dir.resolve(FileLogStore.ENTRIES));
  }

  @Test
  void reopenKeepsEntriesHashesAndHeads() throws Exception {
    List<byte[]> roots = fill(37, 37);
    try (FileLogStore s = FileLogStore.open(dir);
        MerkleLog log = MerkleLog.over(s)) {
      assertEquals(37, log.size());
      assertEquals(0, s.truncatedBytes());
      for (int i = 0; i < 37; i++) {
        assertArrayEquals(entry(i), log.entry(i));
        assertArrayEquals(roots.get(i + 1), log.root(i + 1));
      }
      assertEquals(37, s.latestTreeHead().orElseThrow().treeSize());
      long at = log.append(entry(37));
      assertEquals(37, at);
    }
  }

  @Test
  void tornLastRecordIsDroppedAndEarlierEntriesStayIntact() throws Exception {
    List<byte[]> roots = fill(20, 0);
    long full = fileSize();
    int lastLen = (int) FileLogStore.recordLength(entry(19).length, LogRecord.hashCount(19));
    for (long cut : new long[] {full - 1, full - 4, full - lastLen + 3, full - lastLen + 1}) {
      Path copy = Files.createTempDirectory(dir.getParent(), "torn");
      Files.copy(dir.resolve(FileLogStore.ENTRIES), copy.resolve(FileLogStore.ENTRIES));
      try (RandomAccessFile f =
          new RandomAccessFile(copy.resolve(FileLogStore.ENTRIES).toFile(), "rw")) {
        f.setLength(cut);
      }
      try (FileLogStore s = FileLogStore.open(copy);
          MerkleLog log = MerkleLog.over(s)) {
        assertEquals(19, log.size(), "cut at " + cut);
        assertEquals(cut - (full - lastLen), s.truncatedBytes());
        for (int i = 0; i < 19; i++) {
          assertArrayEquals(entry(i), log.entry(i));
        }
        assertArrayEquals(roots.get(19), log.root());
        // The log goes on where the torn append left off.
        log.append(entry(19));
        assertArrayEquals(roots.get(20), log.root());
      }
      assertEquals(full, Files.size(copy.resolve(FileLogStore.ENTRIES)));
    }
  }

  @Test
  void zeroFilledTailIsATornAppend() throws Exception {
    List<byte[]> roots = fill(9, 0);
    try (RandomAccessFile f =
        new RandomAccessFile(dir.resolve(FileLogStore.ENTRIES).toFile(), "rw")) {
      f.setLength(f.length() + 300);
    }
    try (MerkleLog log = MerkleLog.over(FileLogStore.open(dir))) {
      assertEquals(9, log.size());
      assertArrayEquals(roots.get(9), log.root());
    }
  }

  @Test
  void checksumFailingLastRecordIsDroppedWhenNoHeadCoversIt() throws Exception {
    fill(10, 9);
    flip(fileSize() - 10);
    try (FileLogStore s = FileLogStore.open(dir)) {
      assertEquals(9, s.size());
    }
  }

  @Test
  void aFlippedByteInASignedLastRecordIsAnError() throws Exception {
    fill(10, 10);
    flip(fileSize() - 10);
    LogCorruptedException e =
        assertThrows(LogCorruptedException.class, () -> FileLogStore.open(dir));
    assertTrue(e.getMessage().contains("entry 9 at offset"), e.getMessage());
  }

  @Test
  void aFlippedByteBeforeTheEndIsAnErrorNamingTheOffset() throws Exception {
    fill(30, 0);
    long offset = FileLogStore.HEADER.length + FileLogStore.PREFIX + 2; // inside entry 0's bytes
    flip(offset);
    LogCorruptedException e =
        assertThrows(LogCorruptedException.class, () -> FileLogStore.open(dir));
    assertTrue(
        e.getMessage().contains("entry 0 at offset " + FileLogStore.HEADER.length), e.getMessage());
    // Every byte of the middle of the file is covered, hashes included.
    fill2();
  }

  private void fill2() throws IOException {
    Path other = dir.resolveSibling(dir.getFileName() + "-2");
    Files.createDirectories(other);
    try (MerkleLog log = MerkleLog.over(FileLogStore.open(other))) {
      for (int i = 0; i < 12; i++) {
        log.append(entry(i));
      }
    }
    Path f = other.resolve(FileLogStore.ENTRIES);
    long size = Files.size(f);
    long lastStart = size - FileLogStore.recordLength(entry(11).length, LogRecord.hashCount(11));
    byte[] original = Files.readAllBytes(f);
    for (long p = FileLogStore.HEADER.length; p < lastStart; p += 3) {
      byte[] b = original.clone();
      b[(int) p] ^= 0x04;
      Files.write(f, b);
      assertThrows(
          LogCorruptedException.class, () -> FileLogStore.open(other).close(), "offset " + p);
    }
  }

  @Test
  void aTruncatedSignedLogIsAnError() throws Exception {
    fill(10, 10);
    try (RandomAccessFile f =
        new RandomAccessFile(dir.resolve(FileLogStore.ENTRIES).toFile(), "rw")) {
      f.setLength(FileLogStore.HEADER.length);
    }
    assertThrows(LogCorruptedException.class, () -> FileLogStore.open(dir));
  }

  @Test
  void tornTreeHeadLineIsDropped() throws Exception {
    fill(5, 5);
    Path heads = dir.resolve(FileLogStore.TREE_HEADS);
    byte[] ok = Files.readAllBytes(heads);
    Files.write(heads, java.util.Arrays.copyOf(ok, ok.length + 20));
    Files.write(
        heads,
        "{\"tree_size\":5,\"root".getBytes(StandardCharsets.UTF_8),
        java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
    Files.write(heads, concat(ok, "{\"tree_size\":5,\"root".getBytes(StandardCharsets.UTF_8)));
    try (FileLogStore s = FileLogStore.open(dir)) {
      assertEquals(5, s.latestTreeHead().orElseThrow().treeSize());
    }
    assertArrayEquals(ok, Files.readAllBytes(heads));
  }

  @Test
  void aSecondWriterIsRefused() throws Exception {
    try (FileLogStore s = FileLogStore.open(dir)) {
      IOException e = assertThrows(IOException.class, () -> FileLogStore.open(dir));
      assertTrue(e.getMessage().contains("in use"), e.getMessage());
    }
  }

  @Test
  void notALogIsRefused() throws Exception {
    Files.writeString(dir.resolve(FileLogStore.ENTRIES), "hello, I am a text file\n");
    assertThrows(LogCorruptedException.class, () -> FileLogStore.open(dir));
  }

  /**
   * A deliberate edit of entry {@code index} that keeps both checksums valid; with {@code fixLeaf}
   * the stored leaf hash is recomputed too (the parent hashes stay as they were).
   */
  private void rewriteEntry(int index, boolean fixLeaf) throws Exception {
    Path f = dir.resolve(FileLogStore.ENTRIES);
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(Files.readAllBytes(f));
    int pos = FileLogStore.HEADER.length;
    for (int i = 0; i < index; i++) {
      pos += (int) FileLogStore.recordLength(b.getInt(pos), b.get(pos + 4) & 0xff);
    }
    int len = b.getInt(pos);
    int count = b.get(pos + 4) & 0xff;
    int entryAt = pos + FileLogStore.PREFIX;
    b.put(entryAt, (byte) (b.get(entryAt) ^ 0x01));
    if (fixLeaf) {
      java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
      md.update((byte) 0);
      md.update(b.array(), entryAt, len);
      byte[] leaf = md.digest();
      System.arraycopy(leaf, 0, b.array(), entryAt + len, 32);
    }
    int end = (int) (pos + FileLogStore.recordLength(len, count));
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(b.array(), pos, end - 4 - pos);
    b.putInt(end - 4, (int) crc.getValue());
    Files.write(f, b.array());
  }

  @Test
  void anEditedEntryWithValidChecksumsIsCaughtByItsLeafHash() throws Exception {
    fill(10, 0);
    rewriteEntry(3, false);
    LogCorruptedException e =
        assertThrows(LogCorruptedException.class, () -> FileLogStore.open(dir));
    assertTrue(e.getMessage().contains("entry 3"), e.getMessage());
  }

  @Test
  void anEditedEntryWithARecomputedLeafHashIsCaughtByItsParent() throws Exception {
    fill(10, 0);
    rewriteEntry(3, true);
    LogCorruptedException e =
        assertThrows(LogCorruptedException.class, () -> FileLogStore.open(dir));
    assertTrue(e.getMessage().contains("entry 3 at offset"), e.getMessage());
    assertTrue(e.getMessage().contains("level-1 tree hash"), e.getMessage());
  }

  @Test
  void aConsistentlyRewrittenHistoryIsCaughtByTheSignedRoot() throws Exception {
    fill(10, 10);
    // Every hash recomputed for the altered history: only the signed head can tell.
    Path forged = Files.createTempDirectory(dir.getParent(), "forged");
    try (MerkleLog log = MerkleLog.over(FileLogStore.open(forged))) {
      for (int i = 0; i < 10; i++) {
        log.append(i == 3 ? entry(103) : entry(i));
      }
    }
    Files.copy(
        forged.resolve(FileLogStore.ENTRIES),
        dir.resolve(FileLogStore.ENTRIES),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    LogCorruptedException e =
        assertThrows(LogCorruptedException.class, () -> FileLogStore.open(dir));
    assertTrue(e.getMessage().contains("signed tree head of size 10"), e.getMessage());
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private void flip(long offset) throws IOException {
    try (RandomAccessFile f =
        new RandomAccessFile(dir.resolve(FileLogStore.ENTRIES).toFile(), "rw")) {
      f.seek(offset);
      int b = f.read();
      f.seek(offset);
      f.write(b ^ 0x10);
    }
  }
}
