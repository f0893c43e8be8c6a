package dev.telltale.evidence;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reads DSSE envelopes strictly: one JSON object no larger than {@link #MAX_BYTES}, no duplicate
 * members, {@code payloadType} and {@code payload} strings, a non-empty {@code signatures} array of
 * objects with a string {@code sig} (and optional string {@code keyid}), base64 that is canonical
 * (standard or URL-safe alphabet, as DSSE allows). Members DSSE does not define are ignored, as the
 * DSSE parsing rules require; they are not signed and never used.
 */
public final class EnvelopeReader {
  /** Largest envelope accepted. */
  public static final int MAX_BYTES = 16 << 20;

  public static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private EnvelopeReader() {}

  public static Envelope parse(byte[] json) throws EvidenceFormatException {
    if (json.length > MAX_BYTES) {
      throw new EvidenceFormatException("envelope is larger than " + (MAX_BYTES >> 20) + " MiB");
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (IOException e) {
      throw new EvidenceFormatException("envelope is not valid JSON: " + firstLine(e));
    }
    if (root == null || !root.isObject()) {
      throw new EvidenceFormatException("envelope must be a JSON object");
    }
    String type = text(root, "payloadType", "envelope");
    byte[] payload = base64(text(root, "payload", "envelope"), "envelope.payload");
    JsonNode sigs = root.get("signatures");
    if (sigs == null || !sigs.isArray() || sigs.isEmpty()) {
      throw new EvidenceFormatException("envelope needs a non-empty 'signatures' array");
    }
    List<Envelope.Signature> out = new ArrayList<>();
    for (int i = 0; i < sigs.size(); i++) {
      String at = "signatures[" + i + "]";
      JsonNode s = sigs.get(i);
      if (!s.isObject()) {
        throw new EvidenceFormatException(at + " must be an object");
      }
      String keyid = s.has("keyid") ? text(s, "keyid", at) : "";
      out.add(new Envelope.Signature(keyid, base64(text(s, "sig", at), at + ".sig")));
    }
    return new Envelope(type, payload, out);
  }

  /** The statement an in-toto envelope carries. */
  public static EvidenceStatement statement(Envelope e) throws EvidenceFormatException {
    if (!Envelope.IN_TOTO.equals(e.payloadType())) {
      throw new EvidenceFormatException(
          "payloadType is '"
              + EvidenceStatement.clip(e.payloadType())
              + "', not "
              + Envelope.IN_TOTO);
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(e.payload());
    } catch (IOException ex) {
      throw new EvidenceFormatException("payload is not valid JSON: " + firstLine(ex));
    }
    return EvidenceStatement.fromJson(root);
  }

  public static byte[] base64(String s, String at) throws EvidenceFormatException {
    boolean url = s.indexOf('-') >= 0 || s.indexOf('_') >= 0;
    try {
      byte[] b = (url ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(s);
      String again = (url ? Base64.getUrlEncoder() : Base64.getEncoder()).encodeToString(b);
      // Padding may be omitted; anything else must re-encode to the same text.
      if (!again.equals(s) && !again.replace("=", "").equals(s)) {
        throw new IllegalArgumentException("non-canonical");
      }
      return b;
    } catch (IllegalArgumentException e) {
      throw new EvidenceFormatException(at + " is not base64");
    }
  }

  private static String text(JsonNode n, String field, String at) throws EvidenceFormatException {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new EvidenceFormatException(at + " needs a string member '" + field + "'");
    }
    return v.textValue();
  }

  public static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
