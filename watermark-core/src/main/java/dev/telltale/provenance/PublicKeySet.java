package dev.telltale.provenance;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.key.KeyId;
import dev.telltale.key.KeySet;
import dev.telltale.key.SigningKeyStatus;
import dev.telltale.key.VerificationKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The public keys that verify provenance tokens, as a JWKS document (RFC 7517, OKP keys of RFC
 * 8037): what {@code telltale keys public} prints and the verifier service serves at {@code
 * /.well-known/telltale-keys}. Retired keys stay listed (with {@code "status":"retired"}) so old
 * tokens keep verifying.
 *
 * <pre>{@code
 * {"keys":[{"kty":"OKP","crv":"Ed25519","kid":"sig-1","x":"<base64url>",
 *   "alg":"EdDSA","use":"sig","status":"active"}]}
 * }</pre>
 */
public final class PublicKeySet {
  /** Largest document {@link #parse} reads. */
  public static final int MAX_BYTES = 1 << 20;

  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(SerializationFeature.INDENT_OUTPUT);
  private static final Set<String> MEMBERS =
      Set.of("kty", "crv", "kid", "x", "alg", "use", "status");

  private final List<VerificationKey> keys;

  private static final PublicKeySet EMPTY = new PublicKeySet(List.of(), true);

  private PublicKeySet(List<VerificationKey> keys) {
    this(keys, false);
  }

  private PublicKeySet(List<VerificationKey> keys, boolean mayBeEmpty) {
    this.keys = List.copyOf(keys);
    if (this.keys.isEmpty() && !mayBeEmpty) {
      throw new IllegalArgumentException("a public key set needs at least one key");
    }
    if (this.keys.stream().map(VerificationKey::id).distinct().count() != this.keys.size()) {
      throw new IllegalArgumentException("key ids in a public key set must be distinct");
    }
  }

  public static PublicKeySet of(List<VerificationKey> keys) {
    return new PublicKeySet(keys);
  }

  /**
   * The set with no keys ({@code {"keys":[]}}): what a service whose key set has no signing key
   * publishes. A verifier over it answers UNKNOWN_KEY for every well-formed token. {@link #parse}
   * still refuses an empty document: a verifier handed one was almost surely given the wrong file.
   */
  public static PublicKeySet empty() {
    return EMPTY;
  }

  /** The public halves of the signing keys of {@code keySet}; it must have at least one. */
  public static PublicKeySet from(KeySet keySet) {
    if (keySet.signingKeys().isEmpty()) {
      throw new IllegalArgumentException("the key set has no signing keys");
    }
    return new PublicKeySet(keySet.verificationKeys());
  }

  public List<VerificationKey> keys() {
    return keys;
  }

  public Optional<VerificationKey> find(KeyId kid) {
    return keys.stream().filter(k -> k.id().equals(kid)).findFirst();
  }

  /** The JWKS document, UTF-8, newline-terminated. */
  public byte[] toJson() {
    ObjectNode root = MAPPER.createObjectNode();
    ArrayNode arr = root.putArray("keys");
    for (VerificationKey k : keys) {
      ObjectNode n = arr.addObject();
      n.put("kty", "OKP");
      n.put("crv", "Ed25519");
      n.put("kid", k.id().value());
      n.put("x", Base64.getUrlEncoder().withoutPadding().encodeToString(k.publicKey()));
      n.put("alg", "EdDSA");
      n.put("use", "sig");
      n.put("status", k.status().label());
    }
    try {
      return (MAPPER.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize public key set", e);
    }
  }

  /**
   * Parses a JWKS document strictly: Ed25519 OKP keys only, valid points, distinct ids, no private
   * key member ({@code d}) and no member this format does not define.
   */
  public static PublicKeySet parse(byte[] json) throws PublicKeySetException {
    if (json.length > MAX_BYTES) {
      throw new PublicKeySetException("public key set is larger than 1 MiB");
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (IOException e) {
      throw new PublicKeySetException("public key set is not valid JSON");
    }
    if (root == null || !root.isObject()) {
      throw new PublicKeySetException("public key set must be a JSON object");
    }
    if (root.has("signing_keys") || root.has("watermark_keys")) {
      throw new PublicKeySetException(
          "this is a secret key set file, not a public key set (make one with: telltale keys"
              + " public)");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!f.equals("keys")) {
        throw new PublicKeySetException("public key set has unknown member '" + clip(f) + "'");
      }
    }
    JsonNode arr = root.get("keys");
    if (arr == null || !arr.isArray() || arr.isEmpty()) {
      throw new PublicKeySetException("public key set needs a non-empty 'keys' array");
    }
    List<VerificationKey> out = new ArrayList<>();
    for (int i = 0; i < arr.size(); i++) {
      out.add(parseKey(arr.get(i), "keys[" + i + "]"));
    }
    try {
      return new PublicKeySet(out);
    } catch (IllegalArgumentException e) {
      throw new PublicKeySetException("public key set: " + e.getMessage());
    }
  }

  private static VerificationKey parseKey(JsonNode n, String at) throws PublicKeySetException {
    if (!n.isObject()) {
      throw new PublicKeySetException(at + " must be an object");
    }
    if (n.has("d")) {
      throw new PublicKeySetException(
          at + " holds a private key ('d'); a public key set must never contain one");
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!MEMBERS.contains(f)) {
        throw new PublicKeySetException(at + " has unknown member '" + clip(f) + "'");
      }
    }
    expect(n, "kty", "OKP", at);
    expect(n, "crv", "Ed25519", at);
    if (n.has("alg")) {
      expect(n, "alg", "EdDSA", at);
    }
    if (n.has("use")) {
      expect(n, "use", "sig", at);
    }
    SigningKeyStatus status = SigningKeyStatus.ACTIVE;
    if (n.has("status")) {
      String s = text(n, "status", at);
      status =
          SigningKeyStatus.fromLabel(s)
              .orElseThrow(
                  () ->
                      new PublicKeySetException(
                          at + " has status '" + clip(s) + "' (expected active or retired)"));
    }
    KeyId kid;
    try {
      kid = KeyId.of(text(n, "kid", at));
    } catch (IllegalArgumentException e) {
      throw new PublicKeySetException(at + " 'kid': " + e.getMessage());
    }
    String x = text(n, "x", at);
    byte[] raw;
    try {
      if (x.indexOf('=') >= 0) {
        throw new IllegalArgumentException("padded");
      }
      raw = Base64.getUrlDecoder().decode(x);
    } catch (IllegalArgumentException e) {
      throw new PublicKeySetException(at + " has an 'x' that is not unpadded base64url");
    }
    try {
      return VerificationKey.of(kid, status, raw);
    } catch (IllegalArgumentException e) {
      throw new PublicKeySetException(at + " 'x': " + e.getMessage());
    }
  }

  private static void expect(JsonNode n, String field, String value, String at)
      throws PublicKeySetException {
    String v = text(n, field, at);
    if (!v.equals(value)) {
      throw new PublicKeySetException(
          at + " has " + field + " '" + clip(v) + "'; only '" + value + "' is supported");
    }
  }

  private static String text(JsonNode n, String field, String at) throws PublicKeySetException {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new PublicKeySetException(at + " needs a string member '" + field + "'");
    }
    return v.textValue();
  }

  private static String clip(String s) {
    String c = s.length() > 40 ? s.substring(0, 40) + "…" : s;
    return c.replaceAll("\\p{Cntrl}", "?");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PublicKeySet s && keys.equals(s.keys);
  }

  @Override
  public int hashCode() {
    return keys.hashCode();
  }

  @Override
  public String toString() {
    return "PublicKeySet" + keys.stream().map(VerificationKey::id).toList();
  }
}
