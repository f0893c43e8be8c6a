package dev.telltale.evidence.log;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Durable storage under a {@link MerkleLog}: the entries, the hashes of the complete aligned
 * subtrees each entry completes, and the signed tree heads. {@link MerkleLog} computes every hash;
 * a store only keeps them. Implementations: {@link FileLogStore} (the CLI), an in-memory one for
 * tests, and the verifier service's JDBC store. Single writer; {@link MerkleLog} serializes calls.
 */
public interface LogStore extends SubtreeHashes, Closeable {
  /** Number of entries. */
  long size() throws IOException;

  /** The bytes of entry {@code index}. */
  byte[] entry(long index) throws IOException;

  /**
   * The hash of the complete subtree at {@code level} and {@code index} (leaves {@code [index <<
   * level, (index + 1) << level)}); level 0 is the leaf hash. Only subtrees within {@link #size}.
   */
  @Override
  byte[] hash(int level, long index) throws IOException;

  /**
   * Appends {@code records} as entries {@code size(), size() + 1, …}, durably (synced) before
   * returning, all or, after a crash, a prefix of them.
   */
  void append(List<LogRecord> records) throws IOException;

  /** The most recent tree head, if any was signed. */
  Optional<SignedTreeHead> latestTreeHead() throws IOException;

  /** The tree head of exactly {@code treeSize} entries, if one was signed. */
  Optional<SignedTreeHead> treeHead(long treeSize) throws IOException;

  /** Records a newly signed tree head (durably). */
  void addTreeHead(SignedTreeHead head) throws IOException;
}
