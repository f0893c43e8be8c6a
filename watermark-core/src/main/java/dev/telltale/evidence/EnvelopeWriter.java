package dev.telltale.evidence;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;

/**
 * Writes DSSE envelopes as canonical JSON with standard base64. The canonical bytes (without the
 * trailing newline a file gets) are what the transparency log stores for an envelope.
 */
public final class EnvelopeWriter {
  private EnvelopeWriter() {}

  public static ObjectNode toJson(Envelope e) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("payloadType", e.payloadType());
    root.put("payload", Base64.getEncoder().encodeToString(e.payload()));
    ArrayNode sigs = root.putArray("signatures");
    for (Envelope.Signature s : e.signatures()) {
      ObjectNode n = sigs.addObject();
      n.put("keyid", s.keyid());
      n.put("sig", Base64.getEncoder().encodeToString(s.sig()));
    }
    return root;
  }

  /** Canonical JSON bytes: the log entry of this envelope. */
  public static byte[] canonicalBytes(Envelope e) {
    return CanonicalJson.bytes(toJson(e));
  }

  /** Canonical JSON plus a newline: the content of an envelope file. */
  public static byte[] fileBytes(Envelope e) {
    return (CanonicalJson.string(toJson(e)) + "\n")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
