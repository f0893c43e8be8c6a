package dev.telltale.evidence.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.telltale.evidence.EvidenceFormatException;
import dev.telltale.evidence.EvidenceStatement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** Strict JSON helpers shared by the proof and tree-head forms. */
final class ProofJson {
  private ProofJson() {}

  static List<byte[]> copy(List<byte[]> hashes) {
    List<byte[]> out = new ArrayList<>(hashes.size());
    for (byte[] h : hashes) {
      if (h.length != MerkleHash.SIZE) {
        throw new IllegalArgumentException("a hash is " + MerkleHash.SIZE + " bytes");
      }
      out.add(h.clone());
    }
    return List.copyOf(out);
  }

  static ArrayNode hexArray(List<byte[]> hashes) {
    ArrayNode a = JsonNodeFactory.instance.arrayNode();
    hashes.forEach(h -> a.add(HexFormat.of().formatHex(h)));
    return a;
  }

  static void members(JsonNode n, String what, String... required) throws EvidenceFormatException {
    if (n == null || !n.isObject()) {
      throw new EvidenceFormatException(what + " must be a JSON object");
    }
    Set<String> allowed = Set.of(required);
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw new EvidenceFormatException(
            what + " has unknown member '" + EvidenceStatement.clip(f) + "'");
      }
    }
    for (String f : required) {
      if (!n.has(f)) {
        throw new EvidenceFormatException(what + " lacks member '" + f + "'");
      }
    }
  }

  static long nonNegative(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
      throw new IllegalArgumentException(field + " must be a non-negative integer");
    }
    return v.longValue();
  }

  static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException(field + " must be a string");
    }
    return v.textValue();
  }

  static byte[] hash(String hex, String what) {
    if (hex.length() != 2 * MerkleHash.SIZE
        || !hex.equals(hex.toLowerCase(java.util.Locale.ROOT))) {
      throw new IllegalArgumentException(what + " is not 64 lowercase hex digits");
    }
    return HexFormat.of().parseHex(hex);
  }

  static List<byte[]> hashes(JsonNode arr, String what) {
    if (arr == null || !arr.isArray()) {
      throw new IllegalArgumentException("hashes must be an array");
    }
    if (arr.size() > 128) {
      throw new IllegalArgumentException("more hashes than any tree of 2^64 leaves needs");
    }
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < arr.size(); i++) {
      JsonNode h = arr.get(i);
      if (!h.isTextual()) {
        throw new IllegalArgumentException("hashes[" + i + "] must be a string");
      }
      out.add(hash(h.textValue(), "hashes[" + i + "]"));
    }
    return out;
  }
}
