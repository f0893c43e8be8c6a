package dev.telltale.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.key.KeySet;
import dev.telltale.key.SigningKeyStatus;
import dev.telltale.provenance.PublicKeySet;
import dev.telltale.provenance.TokenVerifier;
import dev.telltale.provenance.VerificationJson;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A key file from before provenance tokens (no signing key): the service still starts, publishes an
 * empty JWKS and answers UNKNOWN_KEY for a well-formed token, exactly as core's verifier over the
 * empty set does.
 */
class NoSigningKeyServiceTest extends ServiceTestBase {
  @Override
  Map<String, String> databaseSettings(Path dir) {
    return Map.of();
  }

  @Override
  KeySet keySet() {
    return KeySet.of(Fixtures.KGW.id(), List.of(Fixtures.KGW, Fixtures.GUMBEL));
  }

  @Test
  void emptyKeySetIsPublishedAndTokensAreUnknownKeys() throws Exception {
    HttpResponse<Buffer> keys = get(ProvenanceApiTests.JWKS, null);
    assertEquals(200, keys.statusCode(), keys::bodyAsString);
    assertEquals(MAPPER.readTree("{\"keys\":[]}"), json(keys));

    String text = Fixtures.signEmbedded(Fixtures.HUMAN, Fixtures.SIG, Instant.now());
    HttpResponse<Buffer> r =
        post(ProvenanceApiTests.VERIFY, newToken(Role.INVESTIGATOR), Map.of("text", text));
    assertEquals(200, r.statusCode(), r::bodyAsString);
    assertEquals("UNKNOWN_KEY", json(r).get("status").asText());
    assertEquals(
        MAPPER.readTree(
            VerificationJson.of(TokenVerifier.of(PublicKeySet.empty()).verifyEmbedded(text), text)
                .toString()),
        json(r));
    assertEquals(SigningKeyStatus.ACTIVE, Fixtures.SIG.status());
  }

  @Test
  void attributionWithoutAnyPayloadKeyIs422() throws Exception {
    HttpResponse<Buffer> r =
        post("/v1/attribution", newToken(Role.INVESTIGATOR), Map.of("text", Fixtures.HUMAN));
    assertEquals(422, r.statusCode(), r::bodyAsString);
    assertEquals("application/problem+json", r.getHeader("Content-Type"));
    assertTrue(json(r).get("type").asText().endsWith("/no-payload-layer"), r::bodyAsString);
    assertTrue(json(r).get("detail").asText().contains("no key with an account payload"));
  }

  @Test
  void scanEvidenceIsRefusedBeforeTheUploadWhenTheKeySetCannotSign() throws Exception {
    String inv = newToken(Role.INVESTIGATOR);
    assertProblem(
        upload("?evidence=true", inv, "text/plain", Fixtures.HUMAN.getBytes()),
        409,
        "no-signing-key");
    assertProblem(
        post("/v1/scans", inv, Map.of("path", dir.resolve("x.txt").toString(), "evidence", true)),
        409,
        "no-signing-key");
    assertEquals(0L, new JobStore(service.database().dataSource()).active(inv.substring(3, 19)));
  }
}
