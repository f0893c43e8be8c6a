package dev.telltale.evidence.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.evidence.EvidenceFormatException;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/**
 * An RFC 9162 inclusion proof: the audit path from leaf {@code leafIndex} to the root of the tree
 * of {@code treeSize} leaves. Verification follows §2.1.3.2 exactly.
 */
public record InclusionProof(long leafIndex, long treeSize, List<byte[]> hashes) {
  public InclusionProof {
    hashes = ProofJson.copy(hashes);
    if (leafIndex < 0 || treeSize < 0) {
      throw new IllegalArgumentException("negative index or size");
    }
  }

  @Override
  public List<byte[]> hashes() {
    return ProofJson.copy(hashes);
  }

  /** The root this proof leads to from {@code leafHash}, or empty when the path is ill-shaped. */
  public Optional<byte[]> rootFrom(byte[] leafHash) {
    if (leafIndex >= treeSize || leafHash.length != MerkleHash.SIZE) {
      return Optional.empty();
    }
    long fn = leafIndex;
    long sn = treeSize - 1;
    byte[] r = leafHash;
    for (byte[] p : hashes) {
      if (sn == 0) {
        return Optional.empty();
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = MerkleHash.node(p, r);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>>= 1;
            sn >>>= 1;
          }
        }
      } else {
        r = MerkleHash.node(r, p);
      }
      fn >>>= 1;
      sn >>>= 1;
    }
    return sn == 0 ? Optional.of(r) : Optional.empty();
  }

  /** Whether this proof shows {@code leafHash} at {@code leafIndex} under {@code root}. */
  public boolean verify(byte[] leafHash, byte[] root) {
    return rootFrom(leafHash).map(r -> MessageDigest.isEqual(r, root)).orElse(false);
  }

  public ObjectNode toJson() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("leaf_index", leafIndex);
    n.put("tree_size", treeSize);
    n.set("hashes", ProofJson.hexArray(hashes));
    return n;
  }

  public static InclusionProof fromJson(JsonNode n) throws EvidenceFormatException {
    ProofJson.members(n, "inclusion proof", "leaf_index", "tree_size", "hashes");
    try {
      return new InclusionProof(
          ProofJson.nonNegative(n, "leaf_index"),
          ProofJson.nonNegative(n, "tree_size"),
          ProofJson.hashes(n.get("hashes"), "inclusion proof"));
    } catch (IllegalArgumentException e) {
      throw new EvidenceFormatException("inclusion proof: " + e.getMessage());
    }
  }
}
