package dev.telltale.key;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.scheme.VllmParameters;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;

/**
 * vLLM keys in a key set file: {@code "scheme":"vllm-gumbel"} (or {@code vllm-dual-key-gumbel},
 * {@code vllm-sbw}), an {@code id}, {@code created}, a {@code "vllm"} object holding vLLM's
 * configuration fields, and {@code "key"}: vLLM's unsigned 64-bit key as a decimal string (the
 * secret, owner-only like every key file).
 */
final class VllmKeyEntries {
  private VllmKeyEntries() {}

  static boolean isVllmEntry(JsonNode node) {
    JsonNode s = node.get("scheme");
    return node.isObject() && s != null && s.isTextual() && s.asText().startsWith("vllm-");
  }

  static WatermarkKey parse(JsonNode node, String at) throws KeyFileException {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!f.equals("id")
          && !f.equals("created")
          && !f.equals("scheme")
          && !f.equals("vllm")
          && !f.equals("key")) {
        throw new KeyFileException(at + " has unknown field '" + KeySetFile.clip(f) + "'");
      }
    }
    KeyId id = KeySetFile.keyId(KeySetFile.text(node, "id", at), "id", at);
    Instant created;
    try {
      created = Instant.parse(KeySetFile.text(node, "created", at));
    } catch (DateTimeParseException e) {
      throw new KeyFileException(at + " has a 'created' that is not an ISO-8601 instant");
    }
    JsonNode config = node.get("vllm");
    if (config == null || !config.isObject()) {
      throw new KeyFileException(at + " needs a 'vllm' object (vLLM's watermark configuration)");
    }
    for (Iterator<String> it = config.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!VllmConfig.CONFIG_FIELDS.contains(f)) {
        throw new KeyFileException(at + " vllm has unknown field '" + KeySetFile.clip(f) + "'");
      }
    }
    VllmParameters p = VllmConfig.parameters(config, at + " vllm");
    String scheme = KeySetFile.text(node, "scheme", at);
    if (!scheme.equals(p.schemeName())) {
      throw new KeyFileException(
          at
              + " has scheme '"
              + KeySetFile.clip(scheme)
              + "' but a vLLM "
              + p.algorithm()
              + " configuration");
    }
    JsonNode k = node.get("key");
    if (k == null) {
      throw new KeyFileException(at + " needs 'key'");
    }
    return WatermarkKey.ofVllm(id, p, VllmConfig.key(k, at), created);
  }

  static void write(ObjectNode n, WatermarkKey k) {
    VllmParameters p = (VllmParameters) k.parameters();
    VllmConfig.write(n.putObject("vllm"), p);
    byte[] raw = k.secret().toByteArray(SecretAccess.get());
    long key = 0;
    for (byte b : raw) {
      key = (key << 8) | (b & 0xFFL);
    }
    java.util.Arrays.fill(raw, (byte) 0);
    n.put("key", Long.toUnsignedString(key));
  }
}
