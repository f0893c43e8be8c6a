package dev.telltale.evidence.log;

import java.io.IOException;

/**
 * Stored hashes of complete, aligned subtrees: {@code hash(level, index)} is the Merkle tree hash
 * of leaves {@code [index << level, (index + 1) << level)}; level 0 holds the leaf hashes. With
 * them any subtree hash, root or proof costs O(log n) reads.
 */
@FunctionalInterface
public interface SubtreeHashes {
  byte[] hash(int level, long index) throws IOException;
}
