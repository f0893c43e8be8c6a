package dev.telltale.forensics.corpus;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A fingerprint of a scanned corpus, recorded in a scan's work folder so that the folder is never
 * reused for another corpus (its spill would be pooled into the new test, or the wrong scan
 * "resumed"). For files: SHA-256 over the text field, then every file's absolute path, size,
 * modification time and the SHA-256 of its first and last 64 KiB; for documents in memory: SHA-256
 * over every id and text.
 */
public final class CorpusFingerprint {
  static final int BLOCK = 64 * 1024;

  private CorpusFingerprint() {}

  /** Fingerprint of {@code files} (in scan order) read with JSONL text field {@code field}. */
  public static String ofFiles(List<Path> files, String field) throws IOException {
    MessageDigest d = sha256();
    update(d, "files");
    update(d, field);
    ByteBuffer block = ByteBuffer.allocate(BLOCK);
    for (Path f : files) {
      update(d, f.toAbsolutePath().normalize().toString());
      long size = Files.size(f);
      update(d, Long.toString(size));
      update(d, Long.toString(Files.getLastModifiedTime(f).toMillis()));
      try (FileChannel c = FileChannel.open(f, StandardOpenOption.READ)) {
        d.update(blockDigest(c, 0, block));
        d.update(blockDigest(c, Math.max(0, size - BLOCK), block));
      }
    }
    return HexFormat.of().formatHex(d.digest());
  }

  /** Fingerprint of documents held in memory. */
  public static String ofDocuments(List<Document> documents) {
    MessageDigest d = sha256();
    update(d, "documents");
    for (Document doc : documents) {
      update(d, doc.id());
      update(d, doc.text());
    }
    return HexFormat.of().formatHex(d.digest());
  }

  private static byte[] blockDigest(FileChannel c, long from, ByteBuffer block) throws IOException {
    block.clear();
    long at = from;
    while (block.hasRemaining()) {
      int r = c.read(block, at);
      if (r <= 0) {
        break;
      }
      at += r;
    }
    block.flip();
    MessageDigest d = sha256();
    d.update(block);
    return d.digest();
  }

  // Length-prefixed, so that no two sequences of strings feed the digest the same bytes.
  private static void update(MessageDigest d, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    d.update(ByteBuffer.allocate(4).putInt(b.length).array());
    d.update(b);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
