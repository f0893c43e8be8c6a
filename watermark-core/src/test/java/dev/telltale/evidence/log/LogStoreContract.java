package dev.telltale.evidence.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telltale.evidence.EnvelopeSigner;
import dev.telltale.evidence.EvidenceFixtures;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every {@link LogStore} must do under a {@link MerkleLog}; a store's test extends this and
 * says how to open (and reopen) it. In the core test-jar, so the verifier service's JDBC store runs
 * the same checks: RFC 9162 vector roots, proofs against a reference, batches, tree heads and, for
 * durable stores, everything surviving a reopen.
 */
public abstract class LogStoreContract {
  /** A new, empty store. */
  protected abstract LogStore create() throws Exception;

  /** The same store opened again after {@code store} was closed; null if not durable. */
  protected abstract LogStore reopen() throws Exception;

  @Test
  public void reproducesTheRfc9162VectorRootsAsItGrows() throws Exception {
    JsonNode v = MerkleVectorsTest.vectors();
    List<byte[]> leaves = MerkleVectorsTest.leaves(v);
    try (MerkleLog log = MerkleLog.over(create())) {
      assertEquals(v.get("roots_hex").get(0).textValue(), HexFormat.of().formatHex(log.root()));
      for (int i = 0; i < leaves.size(); i++) {
        assertEquals(i, log.append(leaves.get(i)));
        assertEquals(
            v.get("roots_hex").get(i + 1).textValue(), HexFormat.of().formatHex(log.root()));
      }
    }
  }

  @Test
  public void batchesProofsAndTreeHeadsSurviveAReopen() throws Exception {
    EnvelopeSigner signer = EnvelopeSigner.of(EvidenceFixtures.active());
    List<byte[]> entries = new ArrayList<>();
    for (int i = 0; i < 70; i++) {
      entries.add(("entry " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    List<byte[]> leafHashes = entries.stream().map(MerkleHash::leaf).toList();
    SignedTreeHead head;
    try (MerkleLog log = MerkleLog.over(create())) {
      log.appendAll(entries.subList(0, 5));
      log.append(entries.get(5));
      log.appendAll(entries.subList(6, 70));
      head = log.signTreeHead(signer, Instant.parse("2026-11-23T23:00:00Z"));
      assertEquals(70, head.treeSize());
      check(log, entries, leafHashes);
    }
    LogStore again = reopen();
    if (again == null) {
      return;
    }
    try (MerkleLog log = MerkleLog.over(again)) {
      check(log, entries, leafHashes);
      assertEquals(head, log.store().latestTreeHead().orElseThrow());
      assertEquals(head, log.store().treeHead(70).orElseThrow());
      assertTrue(log.store().treeHead(69).isEmpty());
      assertEquals(70, log.append(entries.get(0)));
    }
  }

  private static void check(MerkleLog log, List<byte[]> entries, List<byte[]> leafHashes)
      throws Exception {
    assertEquals(entries.size(), log.size());
    for (int n = 1; n <= entries.size(); n += 9) {
      byte[] root = log.root(n);
      assertArrayEquals(MerkleVectorsTest.reference(leafHashes.subList(0, n)), root);
      for (int i = 0; i < n; i++) {
        assertTrue(log.inclusionProof(i, n).verify(leafHashes.get(i), root));
      }
      for (int m = 0; m <= n; m++) {
        assertTrue(log.consistencyProof(m, n).verify(log.root(m), root));
      }
    }
    for (int i = 0; i < entries.size(); i++) {
      assertArrayEquals(entries.get(i), log.entry(i));
      assertArrayEquals(leafHashes.get(i), log.leafHash(i));
    }
  }
}
