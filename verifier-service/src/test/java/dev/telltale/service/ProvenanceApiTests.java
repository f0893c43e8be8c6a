package dev.telltale.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telltale.provenance.PublicKeySet;
import dev.telltale.provenance.TextCarrier;
import dev.telltale.provenance.TokenVerifier;
import dev.telltale.provenance.Verification;
import dev.telltale.provenance.VerificationJson;
import dev.telltale.provenance.VerificationPolicy;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The provenance routes' contract ({@code /.well-known/telltale-keys}, {@code
 * /v1/provenance/verify}), run over real HTTP against each database through {@link
 * VerifierApiTests}. Every answer is compared with what core's verifier (and so {@code telltale
 * verify --json}) gives for the same input.
 */
abstract class ProvenanceApiTests extends ScanApiTests {
  static final String VERIFY = "/v1/provenance/verify";
  static final String JWKS = "/.well-known/telltale-keys";

  /** What {@code telltale verify --json} prints for this input, parsed. */
  static JsonNode expected(String text, Optional<String> token, Optional<Duration> maxAge)
      throws Exception {
    VerificationPolicy policy = VerificationPolicy.strict();
    if (maxAge.isPresent()) {
      policy = policy.withMaxAge(maxAge.get());
    }
    TokenVerifier v = TokenVerifier.of(PublicKeySet.from(Fixtures.KEYS), policy);
    Verification r =
        token.isPresent() ? v.verifyBase64Url(token.get(), text) : v.verifyEmbedded(text);
    return MAPPER.readTree(VerificationJson.of(r, text).toString());
  }

  /** Posts a verification, checks it is a 200 equal to core's answer, returns its status. */
  String verified(String bearer, String text, Optional<String> token, Optional<Long> maxAgeSeconds)
      throws Exception {
    Map<String, Object> body = new HashMap<>();
    body.put("text", text);
    token.ifPresent(t -> body.put("token", t));
    maxAgeSeconds.ifPresent(a -> body.put("max_age_seconds", a));
    HttpResponse<Buffer> r = post(VERIFY, bearer, body);
    assertEquals(200, r.statusCode(), r::bodyAsString);
    assertEquals("application/json", r.getHeader("Content-Type"));
    assertEquals(expected(text, token, maxAgeSeconds.map(Duration::ofSeconds)), json(r));
    assertEquals(
        Optional.empty(), RequestParsingPropertiesTest.schema("Verification").violation(json(r)));
    return json(r).get("status").asText();
  }

  String verified(String bearer, String text) throws Exception {
    return verified(bearer, text, Optional.empty(), Optional.empty());
  }

  @Test
  void publicKeysAreServedWithoutAuthCacheableAndWithoutSecrets() throws Exception {
    HttpResponse<Buffer> r = get(JWKS, null);
    assertEquals(200, r.statusCode(), r::bodyAsString);
    assertEquals("application/json", r.getHeader("Content-Type"));
    assertTrue(r.getHeader("Cache-Control").contains("max-age=300"), r.getHeader("Cache-Control"));
    String etag = r.getHeader("ETag");
    assertTrue(etag != null && etag.matches("\"[0-9a-f]{32}\""), etag);
    byte[] body = r.body().getBytes();
    // The strict parser refuses any private member ('d') or unknown member.
    PublicKeySet served = PublicKeySet.parse(body);
    assertEquals(PublicKeySet.from(Fixtures.KEYS), served);
    assertArrayEquals(PublicKeySet.from(Fixtures.KEYS).toJson(), body);
    assertEquals(2, served.keys().size(), "the retired key is published too");
    assertEquals("retired", json(r).get("keys").get(0).get("status").asText());
    for (String secret : Fixtures.secretForms()) {
      assertFalse(r.bodyAsString().contains(secret), "the key set holds key material");
    }
    HttpResponse<Buffer> again =
        await(
            client
                .get(service.port(), "127.0.0.1", JWKS)
                .putHeader("If-None-Match", "\"other\", " + etag)
                .send());
    assertEquals(304, again.statusCode());
    assertEquals(0, again.body() == null ? 0 : again.body().length());
    // Public: a wrong or revoked token changes nothing.
    assertEquals(200, get(JWKS, "tt_0123456789abcdef_" + "A".repeat(43)).statusCode());
  }

  @Test
  void embeddedTokenOfTheActiveKeyIsValidAndEqualsTheCliAnswer() throws Exception {
    String text = Fixtures.signEmbedded(Fixtures.HUMAN, Fixtures.SIG, Instant.now());
    assertEquals("VALID", verified(newToken(Role.INVESTIGATOR), text));
    assertEquals("VALID", verified(newToken(Role.AUDITOR), text));
    JsonNode j = json(post(VERIFY, newToken(Role.AUDITOR), Map.of("text", text)));
    assertEquals("sig-new", j.get("kid").asText());
    assertEquals("telltale.test", j.get("claims").get("issuer").asText());
    assertEquals(Fixtures.KGW.id().value(), j.get("claims").get("watermark_key_id").asText());
    assertEquals(j.get("claims").get("covered_chars"), j.get("covered_chars"));
  }

  @Test
  void everyReasonCodeComesThroughTheRoute() throws Exception {
    String bearer = newToken(Role.INVESTIGATOR);
    String human = Fixtures.HUMAN;
    Instant now = Instant.now();
    // A retired key's tokens keep verifying.
    assertEquals(
        "VALID", verified(bearer, Fixtures.signEmbedded(human, Fixtures.SIG_RETIRED, now)));
    String outOfBand = Fixtures.sign(human, Fixtures.SIG, now).toBase64Url();
    assertEquals("VALID", verified(bearer, human, Optional.of(outOfBand), Optional.empty()));
    assertEquals(
        "UNKNOWN_KEY", verified(bearer, Fixtures.signEmbedded(human, Fixtures.SIG_FOREIGN, now)));
    assertEquals(
        "BAD_SIGNATURE",
        verified(bearer, Fixtures.signEmbedded(human, Fixtures.SIG_IMPOSTOR, now)));
    String edited = Fixtures.signEmbedded(human, Fixtures.SIG, now).replace("bomb", "bombs");
    assertEquals("DIGEST_MISMATCH", verified(bearer, edited));
    assertEquals(
        "DIGEST_MISMATCH",
        verified(bearer, human + " And more.", Optional.of(outOfBand), Optional.empty()));
    Instant old = Instant.parse("2020-01-01T00:00:00Z");
    String aged = Fixtures.signEmbedded(human, Fixtures.SIG, old);
    assertEquals("EXPIRED", verified(bearer, aged, Optional.empty(), Optional.of(3600L)));
    assertEquals("VALID", verified(bearer, aged));
    assertEquals("VALID", verified(bearer, aged, Optional.empty(), Optional.of(3153600000L)));
    // Not a token at all: verification results, never request errors.
    assertEquals("MALFORMED", verified(bearer, human));
    assertEquals(
        "MALFORMED", verified(bearer, human, Optional.of("!!not base64"), Optional.empty()));
    assertEquals("MALFORMED", verified(bearer, human, Optional.of(""), Optional.empty()));
    byte[] junk = new byte[300];
    new SplittableRandom(7).nextBytes(junk);
    String junk64 = Base64.getUrlEncoder().withoutPadding().encodeToString(junk);
    assertEquals("MALFORMED", verified(bearer, human, Optional.of(junk64), Optional.empty()));
    assertEquals("MALFORMED", verified(bearer, TextCarrier.embed(human, junk)));
    String twice =
        Fixtures.signEmbedded(human, Fixtures.SIG, now) + TextCarrier.embed(" More.", junk);
    assertEquals("MALFORMED", verified(bearer, twice));
    assertEquals("MALFORMED", verified(bearer, ""));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{}",
        "[]",
        "\"text\"",
        "{\"text\": 17}",
        "{\"text\": null}",
        "{\"text\": \"a\", \"token\": 5}",
        "{\"text\": \"a\", \"token\": [\"x\"]}",
        "{\"text\": \"a\", \"max_age_seconds\": \"60\"}",
        "{\"text\": \"a\", \"max_age_seconds\": 0}",
        "{\"text\": \"a\", \"max_age_seconds\": 1.5}",
        "{\"text\": \"a\", \"max_age_seconds\": 1e20}",
        "{\"text\": \"a\", \"kid\": \"sig-new\"}"
      })
  void malformedVerifyBodiesAre400(String body) throws Exception {
    HttpResponse<Buffer> r =
        postRaw(VERIFY, newToken(Role.INVESTIGATOR), body.getBytes(StandardCharsets.UTF_8));
    assertProblem(r, 400, "schema-violation");
  }

  @Test
  void badJsonUtf8AuthRoleAndSizeAreProblems() throws Exception {
    String bearer = newToken(Role.INVESTIGATOR);
    for (String bad : new String[] {"{\"text\": ", "not json", "{\"text\":\"a\",\"text\":\"b\"}"}) {
      assertProblem(
          postRaw(VERIFY, bearer, bad.getBytes(StandardCharsets.UTF_8)), 400, "malformed-json");
    }
    byte[] badUtf8 = {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC3, '"', '}'};
    assertProblem(postRaw(VERIFY, bearer, badUtf8), 400, "malformed-utf8");
    Map<String, String> req = Map.of("text", "a b c");
    HttpResponse<Buffer> none = post(VERIFY, null, req);
    assertProblem(none, 401, "unauthorized");
    assertEquals("Bearer", none.getHeader("WWW-Authenticate"));
    assertProblem(post(VERIFY, "tt_0123456789abcdef_" + "A".repeat(43), req), 401, "unauthorized");
    HttpResponse<Buffer> admin403 = post(VERIFY, admin, req);
    assertProblem(admin403, 403, "forbidden");
    assertTrue(json(admin403).get("detail").asText().contains("investigator or auditor"));
    String big = "word ".repeat((int) (BODY_LIMIT / 5) + 10);
    assertProblem(post(VERIFY, bearer, Map.of("text", big)), 413, "body-too-large");
    String longText = "x ".repeat(TEXT_LIMIT / 2 + 10);
    assertProblem(post(VERIFY, bearer, Map.of("text", longText)), 413, "text-too-long");
  }

  @Test
  void everyVerificationIsAuditedWithADigestAndNeverTheText() throws Exception {
    String marker = "provenance-marker-" + UUID.randomUUID();
    String text = Fixtures.HUMAN + " " + marker;
    String token = Fixtures.sign(text, Fixtures.SIG, Instant.now()).toBase64Url();
    String embedded = Fixtures.signEmbedded(text, Fixtures.SIG_FOREIGN, Instant.now());
    String investigator = newToken(Role.INVESTIGATOR);
    assertEquals("VALID", verified(investigator, text, Optional.of(token), Optional.empty()));
    assertEquals("UNKNOWN_KEY", verified(investigator, embedded));

    HttpResponse<Buffer> r = get("/v1/audit?limit=1000", newToken(Role.AUDITOR));
    assertEquals(200, r.statusCode(), r::bodyAsString);
    assertFalse(r.bodyAsString().contains(marker));
    assertFalse(r.bodyAsString().contains(token));
    Map<String, JsonNode> rows = new HashMap<>();
    for (JsonNode e : json(r).get("entries")) {
      rows.put(e.get("input_sha256").asText(), e);
    }
    JsonNode valid = rows.get(ProvenanceCheck.inputDigest(text, Optional.of(token)));
    assertTrue(valid != null, "no audit row for the out-of-band verification");
    assertEquals(VERIFY, valid.get("route").asText());
    assertEquals("VALID", valid.get("verdict").asText());
    assertEquals("sig-new", valid.get("key_id").asText());
    assertEquals(investigator.substring(3, 19), valid.get("token_id").asText());
    JsonNode unknown = rows.get(ProvenanceCheck.inputDigest(embedded, Optional.empty()));
    assertTrue(unknown != null, "no audit row for the embedded verification");
    assertEquals("UNKNOWN_KEY", unknown.get("verdict").asText());
    assertEquals("sig-foreign", unknown.get("key_id").asText());
    // Text and token in the other order (or split elsewhere) give another digest.
    assertFalse(
        ProvenanceCheck.inputDigest(text, Optional.of(token))
            .equals(
                ProvenanceCheck.inputDigest(
                    text + token.charAt(0), Optional.of(token.substring(1)))));

    try (Connection c = service.database().dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM audit_log")) {
      int cols = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        for (int i = 1; i <= cols; i++) {
          String v = rs.getString(i);
          assertFalse(v != null && v.contains(marker), "the audit log holds submitted text");
          assertFalse(v != null && v.contains(token), "the audit log holds a submitted token");
        }
      }
    }
  }

  @Test
  void metricsCountVerificationsByStatus() throws Exception {
    long validBefore = verifications("VALID");
    long malformedBefore = verifications("MALFORMED");
    String bearer = newToken(Role.AUDITOR);
    verified(bearer, Fixtures.signEmbedded(Fixtures.HUMAN, Fixtures.SIG, Instant.now()));
    verified(bearer, "no carrier here");
    verified(bearer, "nor here");
    assertTrue(verifications("VALID") >= validBefore + 1);
    assertTrue(verifications("MALFORMED") >= malformedBefore + 2);
    String m = get("/metrics", null).bodyAsString();
    assertTrue(
        m.contains("telltale_http_requests_total{route=\"" + VERIFY + "\",method=\"POST\""), m);
  }

  private long verifications(String status) throws Exception {
    String m = get("/metrics", null).bodyAsString();
    Matcher x =
        Pattern.compile(
                "^telltale_provenance_verifications_total\\{status=\"" + status + "\"\\} (\\d+)$",
                Pattern.MULTILINE)
            .matcher(m);
    return x.find() ? Long.parseLong(x.group(1)) : 0;
  }

  static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return Fixtures.await(f);
  }
}
