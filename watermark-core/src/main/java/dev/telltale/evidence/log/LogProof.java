package dev.telltale.evidence.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.evidence.EnvelopeReader;
import dev.telltale.evidence.EvidenceFormatException;
import java.io.IOException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * What {@code telltale log prove} writes and {@code telltale evidence verify --proof} reads: an
 * inclusion proof of one entry, its leaf hash and the signed tree head the proof leads to.
 *
 * <pre>{@code
 * {"format":"telltale-inclusion-proof","version":1,"leaf_hash":"<hex>",
 *  "inclusion":{"leaf_index":3,"tree_size":8,"hashes":["<hex>",...]},
 *  "tree_head":{...SignedTreeHead...}}
 * }</pre>
 */
public record LogProof(byte[] leafHash, InclusionProof inclusion, SignedTreeHead treeHead) {
  public static final String FORMAT = "telltale-inclusion-proof";

  public LogProof {
    if (leafHash.length != MerkleHash.SIZE) {
      throw new IllegalArgumentException("a leaf hash is 32 bytes");
    }
    leafHash = leafHash.clone();
    Objects.requireNonNull(inclusion, "inclusion");
    Objects.requireNonNull(treeHead, "treeHead");
  }

  @Override
  public byte[] leafHash() {
    return leafHash.clone();
  }

  public ObjectNode toJson() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("format", FORMAT);
    n.put("version", 1);
    n.put("leaf_hash", HexFormat.of().formatHex(leafHash));
    n.set("inclusion", inclusion.toJson());
    n.set("tree_head", treeHead.toJson());
    return n;
  }

  public static LogProof parse(byte[] json) throws EvidenceFormatException {
    JsonNode n;
    try {
      n = EnvelopeReader.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new EvidenceFormatException(
          "proof file is not valid JSON: " + EnvelopeReader.firstLine(e));
    }
    ProofJson.members(n, "proof file", "format", "version", "leaf_hash", "inclusion", "tree_head");
    try {
      if (!FORMAT.equals(ProofJson.text(n, "format")) || ProofJson.nonNegative(n, "version") != 1) {
        throw new EvidenceFormatException("not a " + FORMAT + " version 1 file");
      }
      return new LogProof(
          ProofJson.hash(ProofJson.text(n, "leaf_hash"), "leaf_hash"),
          InclusionProof.fromJson(n.get("inclusion")),
          SignedTreeHead.fromJson(n.get("tree_head")));
    } catch (IllegalArgumentException e) {
      throw new EvidenceFormatException("proof file: " + e.getMessage());
    }
  }
}
