package dev.telltale.evidence.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The known roots of {@code evidence/merkle-rfc9162.json} (copied from the project's shared
 * vectors, {@code shared/vectors/merkle-rfc9162.json}: the eight leaves of the Certificate
 * Transparency test suites) are reproduced by the reference recursion, the in-memory log and the
 * file log.
 */
class MerkleVectorsTest {
  private static final HexFormat HEX = HexFormat.of();

  static JsonNode vectors() throws Exception {
    try (InputStream in =
        MerkleVectorsTest.class.getResourceAsStream("/evidence/merkle-rfc9162.json")) {
      return new ObjectMapper().readTree(in);
    }
  }

  static List<byte[]> leaves(JsonNode v) {
    List<byte[]> out = new ArrayList<>();
    v.get("leaves_hex").forEach(n -> out.add(HEX.parseHex(n.textValue())));
    return out;
  }

  @Test
  void emptyTreeAndEveryPrefix() throws Exception {
    JsonNode v = vectors();
    List<byte[]> leaves = leaves(v);
    JsonNode roots = v.get("roots_hex");
    assertEquals(leaves.size() + 1, roots.size());
    List<byte[]> leafHashes = new ArrayList<>();
    leaves.forEach(l -> leafHashes.add(MerkleHash.leaf(l)));
    SubtreeHashes mem = MerkleTree.inMemory(leafHashes);
    for (int i = 0; i <= leaves.size(); i++) {
      String expected = roots.get(i).textValue();
      assertEquals(expected, HEX.formatHex(reference(leafHashes.subList(0, i))), "reference " + i);
      assertEquals(expected, HEX.formatHex(MerkleTree.root(mem, i)), "stored hashes " + i);
    }
  }

  @Test
  void logsReproduceTheRootsAsTheyGrow(@TempDir Path dir) throws Exception {
    JsonNode v = vectors();
    List<byte[]> leaves = leaves(v);
    try (MerkleLog mem = MerkleLog.over(new InMemoryLogStore());
        MerkleLog file = MerkleLog.over(FileLogStore.open(dir))) {
      assertEquals(v.get("roots_hex").get(0).textValue(), HEX.formatHex(file.root()));
      for (int i = 0; i < leaves.size(); i++) {
        mem.append(leaves.get(i));
        file.append(leaves.get(i));
        String expected = v.get("roots_hex").get(i + 1).textValue();
        assertEquals(expected, HEX.formatHex(mem.root()));
        assertEquals(expected, HEX.formatHex(file.root()));
      }
    }
    try (MerkleLog reopened = MerkleLog.over(FileLogStore.open(dir))) {
      assertEquals(
          v.get("roots_hex").get(leaves.size()).textValue(), HEX.formatHex(reopened.root()));
      for (int i = 0; i <= leaves.size(); i++) {
        assertEquals(v.get("roots_hex").get(i).textValue(), HEX.formatHex(reopened.root(i)));
      }
    }
  }

  /** RFC 9162 §2.1.1 MTH, straight from the definition. */
  static byte[] reference(List<byte[]> leafHashes) {
    int n = leafHashes.size();
    if (n == 0) {
      return MerkleHash.empty();
    }
    if (n == 1) {
      return leafHashes.get(0);
    }
    int k = Integer.highestOneBit(n - 1);
    return MerkleHash.node(
        reference(leafHashes.subList(0, k)), reference(leafHashes.subList(k, n)));
  }
}
