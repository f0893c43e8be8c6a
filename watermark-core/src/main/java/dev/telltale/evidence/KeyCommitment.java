package dev.telltale.evidence;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.key.KeyPurpose;
import dev.telltale.key.SecretAccess;
import dev.telltale.key.VllmConfig;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.VllmParameters;
import dev.telltale.scheme.WatermarkParameters;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A public commitment to a watermark key: id, scheme, parameters and {@code HMAC-SHA256(k_c,
 * LABEL)} where {@code k_c} is the key's HKDF subkey for {@link KeyPurpose#COMMITMENT}. Whoever
 * holds the key can recompute it and so show which key a finding used; the commitment reveals
 * nothing about the key.
 */
public record KeyCommitment(String keyId, String scheme, ObjectNode parameters, String commitment) {
  /** The fixed message the commitment MACs. */
  public static final String LABEL = "telltale/v1/evidence-key-commitment";

  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  public KeyCommitment {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(scheme, "scheme");
    parameters = Objects.requireNonNull(parameters, "parameters").deepCopy();
    Objects.requireNonNull(commitment, "commitment");
    if (!HEX64.matcher(commitment).matches()) {
      throw new IllegalArgumentException("a key commitment is 64 lowercase hex digits");
    }
  }

  @Override
  public ObjectNode parameters() {
    return parameters.deepCopy();
  }

  /** The commitment to {@code key}. */
  public static KeyCommitment of(WatermarkKey key) {
    return new KeyCommitment(
        key.id().value(),
        key.parameters().schemeName(),
        parametersJson(key.parameters()),
        HexFormat.of().formatHex(mac(key)));
  }

  /** Whether {@code key} is the key this commitment was made to (constant-time compare). */
  public boolean matches(WatermarkKey key) {
    return keyId.equals(key.id().value())
        && MessageDigest.isEqual(HexFormat.of().parseHex(commitment), mac(key));
  }

  /** The scheme parameters, as the key file names them; no key material. */
  public static ObjectNode parametersJson(WatermarkParameters p) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("context_width", p.contextWidth());
    if (p instanceof VllmParameters v) {
      n.set("vllm", VllmConfig.profileJson(v));
    }
    if (p instanceof GreenListParameters g) {
      n.put("gamma", g.gamma());
      n.put("delta", g.delta());
      n.put("self_hash", g.selfHash());
      g.payload()
          .ifPresent(
              pp -> {
                n.put("payload_bits", pp.bits());
                n.put("payload_symbol_bits", pp.symbolBits());
                n.put("payload_delta", pp.delta());
              });
    }
    if (p.robustContext()) {
      n.put("robust_context", true); // absent for ordinary keys, so their statements are unchanged
    }
    return n;
  }

  /** Equal when the canonical forms are equal (JSON {@code 2.0} and {@code 2} are one number). */
  @Override
  public boolean equals(Object o) {
    return o instanceof KeyCommitment k
        && CanonicalJson.string(toJson()).equals(CanonicalJson.string(k.toJson()));
  }

  @Override
  public int hashCode() {
    return CanonicalJson.string(toJson()).hashCode();
  }

  /** The JSON form inside a statement. */
  public ObjectNode toJson() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("key_id", keyId);
    n.put("scheme", scheme);
    n.set("parameters", parameters.deepCopy());
    n.put("commitment", commitment);
    return n;
  }

  private static byte[] mac(WatermarkKey key) {
    byte[] sub = key.subkey(KeyPurpose.COMMITMENT, SecretAccess.get());
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(sub, "HmacSHA256"));
      return mac.doFinal(LABEL.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 unavailable", e);
    } finally {
      Arrays.fill(sub, (byte) 0);
    }
  }
}
