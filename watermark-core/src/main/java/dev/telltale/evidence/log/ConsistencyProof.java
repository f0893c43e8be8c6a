package dev.telltale.evidence.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.evidence.EvidenceFormatException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * An RFC 9162 consistency proof: that the tree of {@code secondSize} leaves extends the tree of
 * {@code firstSize} leaves, nothing rewritten. Verification follows §2.1.4.2; for equal sizes the
 * proof is empty and the roots must be equal, and every tree extends the empty one.
 */
public record ConsistencyProof(long firstSize, long secondSize, List<byte[]> hashes) {
  public ConsistencyProof {
    hashes = ProofJson.copy(hashes);
    if (firstSize < 0 || secondSize < 0) {
      throw new IllegalArgumentException("negative size");
    }
  }

  @Override
  public List<byte[]> hashes() {
    return ProofJson.copy(hashes);
  }

  /** Whether {@code firstRoot} (of firstSize leaves) and {@code secondRoot} are consistent. */
  public boolean verify(byte[] firstRoot, byte[] secondRoot) {
    if (firstSize > secondSize) {
      return false;
    }
    if (firstSize == secondSize) {
      return hashes.isEmpty() && MessageDigest.isEqual(firstRoot, secondRoot);
    }
    if (firstSize == 0) {
      return hashes.isEmpty();
    }
    if (hashes.isEmpty()) {
      return false;
    }
    List<byte[]> path = new ArrayList<>(hashes);
    if (Long.bitCount(firstSize) == 1) {
      path.add(0, firstRoot);
    }
    long fn = firstSize - 1;
    long sn = secondSize - 1;
    while ((fn & 1) == 1) {
      fn >>>= 1;
      sn >>>= 1;
    }
    byte[] fr = path.get(0);
    byte[] sr = path.get(0);
    for (byte[] c : path.subList(1, path.size())) {
      if (sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = MerkleHash.node(c, fr);
        sr = MerkleHash.node(c, sr);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>>= 1;
          sn >>>= 1;
        }
      } else {
        sr = MerkleHash.node(sr, c);
      }
      fn >>>= 1;
      sn >>>= 1;
    }
    return sn == 0 && MessageDigest.isEqual(fr, firstRoot) && MessageDigest.isEqual(sr, secondRoot);
  }

  public ObjectNode toJson() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("first_size", firstSize);
    n.put("second_size", secondSize);
    n.set("hashes", ProofJson.hexArray(hashes));
    return n;
  }

  public static ConsistencyProof fromJson(JsonNode n) throws EvidenceFormatException {
    ProofJson.members(n, "consistency proof", "first_size", "second_size", "hashes");
    try {
      return new ConsistencyProof(
          ProofJson.nonNegative(n, "first_size"),
          ProofJson.nonNegative(n, "second_size"),
          ProofJson.hashes(n.get("hashes"), "consistency proof"));
    } catch (IllegalArgumentException e) {
      throw new EvidenceFormatException("consistency proof: " + e.getMessage());
    }
  }
}
