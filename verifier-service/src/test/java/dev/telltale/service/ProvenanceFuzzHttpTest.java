package dev.telltale.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.TestGenerators;
import dev.telltale.provenance.TextCarrier;
import dev.telltale.provenance.Verification;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Arbitrary token bytes against the real service over HTTP: whether sent out of band (base64url or
 * as any string) or carried in the text, the answer is a 200 verification with a known status,
 * never a 5xx and never a request error.
 */
class ProvenanceFuzzHttpTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Set<String> STATUSES =
      Arrays.stream(Verification.Reason.values()).map(Enum::name).collect(Collectors.toSet());

  private static Vertx vertx;
  private static VerifierService service;
  private static HttpClient http;
  private static String bearer;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createTempDirectory("telltale-fuzz");
    Map<String, String> s = new HashMap<>();
    s.put("port", "0");
    s.put("data", dir.toString());
    s.put("keys", Fixtures.writeKeys(dir).toString());
    vertx = Vertx.vertx();
    service = Fixtures.await(VerifierService.start(vertx, ServiceConfig.defaultsOnly().with(s)));
    http = HttpClient.newHttpClient();
    bearer = new TokenStore(service.database().dataSource()).create(Role.AUDITOR, "fuzz").bearer();
  }

  @AfterAll
  static void stop() throws Exception {
    if (service != null) {
      Fixtures.await(service.close());
    }
    if (vertx != null) {
      Fixtures.await(vertx.close());
    }
  }

  private static JsonNode verify(Map<String, Object> body) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + service.port() + "/v1/provenance/verify"))
                .header("Authorization", "Bearer " + bearer)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(MAPPER.writeValueAsBytes(body)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    JsonNode j = MAPPER.readTree(r.body());
    assertTrue(STATUSES.contains(j.path("status").asText()), r.body());
    return j;
  }

  @Test
  void randomTokenBytesAreVerificationResults() {
    qt().withFixedSeed(0xF422_0001L)
        .withExamples(200)
        .withShrinkCycles(20)
        .forAll(TestGenerators.bytes(2000))
        .checkAssert(token -> TestGenerators.unchecked(() -> randomBytesAreNotValid(token)));
  }

  private static void randomBytesAreNotValid(byte[] token) throws Exception {
    String text = Fixtures.HUMAN;
    String b64 = Base64.getUrlEncoder().withoutPadding().encodeToString(token);
    JsonNode outOfBand = verify(Map.of("text", text, "token", b64));
    // Random bytes cannot carry a good signature by a key the service publishes.
    assertTrue(!outOfBand.get("valid").asBoolean(), outOfBand.toString());
    if (token.length > 0) {
      verify(Map.of("text", TextCarrier.embed(text, token)));
    }
  }

  @Test
  void anyStringAsTokenIsAVerificationResult() {
    qt().withFixedSeed(0xF422_0002L)
        .withExamples(100)
        .withShrinkCycles(20)
        .forAll(TestGenerators.strings(integers().between(0x0000, 0xD7FF), 0, 300))
        .checkAssert(
            token ->
                TestGenerators.unchecked(
                    () -> {
                      JsonNode j = verify(Map.of("text", "some text", "token", token));
                      assertTrue(!j.get("valid").asBoolean(), j.toString());
                    }));
  }
}
