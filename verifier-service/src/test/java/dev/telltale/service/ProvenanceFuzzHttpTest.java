package dev.telltale.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

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

  @BeforeContainer
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

  @AfterContainer
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

  @Property(tries = 200)
  void randomTokenBytesAreVerificationResults(@ForAll @Size(max = 2000) byte[] token)
      throws Exception {
    String text = Fixtures.HUMAN;
    String b64 = Base64.getUrlEncoder().withoutPadding().encodeToString(token);
    JsonNode outOfBand = verify(Map.of("text", text, "token", b64));
    // Random bytes cannot carry a good signature by a key the service publishes.
    assertTrue(!outOfBand.get("valid").asBoolean(), outOfBand.toString());
    if (token.length > 0) {
      verify(Map.of("text", TextCarrier.embed(text, token)));
    }
  }

  @Property(tries = 100)
  void anyStringAsTokenIsAVerificationResult(
      @ForAll @Size(max = 300) @CharRange(from = '\u0000', to = '\ud7ff') String token)
      throws Exception {
    JsonNode j = verify(Map.of("text", "some text", "token", token));
    assertTrue(!j.get("valid").asBoolean(), j.toString());
  }
}
