package dev.telltale.provenance;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.text.TextNormalizer;

/**
 * The one JSON form of a {@link Verification}, shared by the CLI ({@code telltale verify --json})
 * and the verifier service: {@code status} (the reason code), {@code kid}, {@code claims}, {@code
 * covered_chars} (what the token covers) and {@code text_chars} (what was checked), both in UTF-16
 * chars of the normalized text. Absent values are JSON {@code null}.
 */
public final class VerificationJson {
  private VerificationJson() {}

  public static ObjectNode of(Verification v, String text) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    root.put("status", v.reason().name());
    root.put("valid", v.isValid());
    if (v.kid().isPresent()) {
      root.put("kid", v.kid().get().value());
    } else {
      root.putNull("kid");
    }
    if (v.claims().isPresent()) {
      ProvenanceClaims c = v.claims().get();
      root.set("claims", claims(c));
      root.put("covered_chars", c.coveredChars());
    } else {
      root.putNull("claims");
      root.putNull("covered_chars");
    }
    root.put("text_chars", TextNormalizer.normalize(text).length());
    root.put("detail", v.detail());
    return root;
  }

  /** The claims with readable names (the token itself uses the short CBOR labels). */
  public static ObjectNode claims(ProvenanceClaims c) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("version", c.version());
    n.put("issuer", c.issuer());
    n.put("model", c.modelId());
    n.put("issued_at", c.issuedAt().toString());
    n.put("request_id", c.requestId());
    if (c.account().isPresent()) {
      n.put("account", c.account().get());
    } else {
      n.putNull("account");
    }
    n.put("output_sha256", c.outputSha256());
    n.put("covered_chars", c.coveredChars());
    n.put("watermark_key_id", c.watermarkKeyId().value());
    n.put("watermark_scheme", c.watermarkScheme());
    return n;
  }
}
