package dev.telltale.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.key.KeySet;
import dev.telltale.provenance.PublicKeySet;
import dev.telltale.provenance.TokenVerifier;
import dev.telltale.provenance.Verification;
import dev.telltale.provenance.VerificationJson;
import dev.telltale.provenance.VerificationPolicy;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * The provenance routes' work: the published JWKS of the service's signing keys (active and
 * retired, public halves only) and verification of tokens against texts with exactly those keys.
 * The answer is {@link VerificationJson}, the object {@code telltale verify --json} prints. Every
 * token, however damaged, is a verification result (MALFORMED, BAD_SIGNATURE, ...), never an error.
 * Immutable and thread-safe.
 */
final class ProvenanceCheck {
  private final PublicKeySet keys;
  private final byte[] jwks;
  private final String etag;

  ProvenanceCheck(KeySet keySet) {
    // A key file from before provenance tokens has no signing key: publish {"keys":[]} and answer
    // UNKNOWN_KEY for every well-formed token, rather than refuse to start.
    this.keys = keySet.signingKeys().isEmpty() ? PublicKeySet.empty() : PublicKeySet.from(keySet);
    this.jwks = keys.toJson();
    // The keys cannot change while the service runs, so one strong validator serves all requests.
    this.etag = "\"" + DetectionEngine.sha256Hex(jwks).substring(0, 32) + "\"";
  }

  /** The JWKS document served at {@code /.well-known/telltale-keys}. */
  byte[] jwks() {
    return jwks.clone();
  }

  /** The quoted strong entity tag of {@link #jwks}. */
  String etag() {
    return etag;
  }

  /**
   * Serves the JWKS: public, cacheable for five minutes, a 304 when the client's {@code
   * If-None-Match} names the current document, open to other origins (browser verifiers).
   */
  void serveKeys(RoutingContext ctx) {
    String ifNoneMatch = ctx.request().getHeader("If-None-Match");
    ctx.response()
        .putHeader("Cache-Control", "public, max-age=300")
        .putHeader("ETag", etag)
        .putHeader("Access-Control-Allow-Origin", "*");
    if (ifNoneMatch != null && matches(ifNoneMatch)) {
      ctx.response().setStatusCode(304).end();
      return;
    }
    ctx.response().putHeader("Content-Type", "application/json").end(Buffer.buffer(jwks));
  }

  /** Whether an {@code If-None-Match} header value names the current document. */
  boolean matches(String ifNoneMatch) {
    for (String tag : ifNoneMatch.split(",")) {
      String t = tag.strip();
      if (t.startsWith("W/")) {
        t = t.substring(2); // weak comparison, as RFC 9110 prescribes for If-None-Match
      }
      if (t.equals("*") || t.equals(etag)) {
        return true;
      }
    }
    return false;
  }

  /** A request that passed the ProvenanceVerifyRequest schema. */
  record Request(String text, Optional<String> token, Optional<Long> maxAgeSeconds) {
    static Request fromJson(JsonNode n) {
      return new Request(
          n.get("text").textValue(),
          n.has("token") ? Optional.of(n.get("token").textValue()) : Optional.empty(),
          n.has("max_age_seconds")
              ? Optional.of(n.get("max_age_seconds").longValue())
              : Optional.empty());
    }
  }

  /** The answer and what the audit log keeps of it. */
  record Outcome(ObjectNode json, Verification verification, String inputSha256) {}

  Outcome verify(Request r) {
    VerificationPolicy policy = VerificationPolicy.strict();
    if (r.maxAgeSeconds().isPresent()) {
      policy = policy.withMaxAge(Duration.ofSeconds(r.maxAgeSeconds().get()));
    }
    TokenVerifier verifier = TokenVerifier.of(keys, policy);
    Verification v =
        r.token().isPresent()
            ? verifier.verifyBase64Url(r.token().get(), r.text())
            : verifier.verifyEmbedded(r.text());
    return new Outcome(VerificationJson.of(v, r.text()), v, inputDigest(r.text(), r.token()));
  }

  /**
   * The audit digest of a verification's input: SHA-256 of the UTF-8 text alone when the token is
   * embedded in it (so it equals the digest {@code /v1/detect} records for the same text), else of
   * the text's UTF-8 length as 8 big-endian bytes, the text, then the token's UTF-8 (the length
   * keeps text and token apart, so no other pair has the same input).
   */
  static String inputDigest(String text, Optional<String> token) {
    byte[] t = text.getBytes(StandardCharsets.UTF_8);
    if (token.isEmpty()) {
      return DetectionEngine.sha256Hex(t);
    }
    byte[] k = token.get().getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + t.length + k.length);
    b.putLong(t.length).put(t).put(k);
    return DetectionEngine.sha256Hex(b.array());
  }
}
