package dev.telltale.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Parsers and invariants over arbitrary input: never a crash, always a one-line 400. */
class RequestParsingPropertiesTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final RequestSchema DETECT = schema("DetectRequest");

  static RequestSchema schema(String name) {
    try (InputStream in = RequestParsingPropertiesTest.class.getResourceAsStream("/openapi.json")) {
      return new RequestSchema(MAPPER.readTree(in).path("components").path("schemas").get(name));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Property
  void arbitraryBytesParseOrFailAs400(@ForAll @Size(max = 200) byte[] body) {
    try {
      JsonNode n = JsonBody.parse(Buffer.buffer(body));
      DETECT.violation(n); // must not throw on any JSON value
    } catch (ProblemException e) {
      assertEquals(400, e.status());
      assertTrue(e.detail().lines().count() == 1, e.detail());
    }
  }

  @Property
  void arbitraryJsonObjectsAreJudgedWithoutThrowing(@ForAll("requests") String json)
      throws Exception {
    JsonNode n = MAPPER.readTree(json);
    Optional<String> v = DETECT.violation(n);
    if (v.isEmpty()) {
      // Whatever the schema admits, the request reader accepts.
      DetectionEngine.Request.fromJson(n);
      assertTrue(n.has("text") ^ n.has("tokens"));
    } else {
      assertTrue(v.get().startsWith("$"), v.get());
    }
  }

  @Provide
  Arbitrary<String> requests() {
    Arbitrary<String> key =
        Arbitraries.of("text", "tokens", "alpha", "window", "key_id", "tokenizer", "explain", "x");
    Arbitrary<String> value =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(5).map(s -> MAPPER.valueToTree(s).toString()),
            Arbitraries.doubles().between(-2, 2).map(d -> Double.toString(d)),
            Arbitraries.integers().between(-5, 5).map(i -> Integer.toString(i)),
            Arbitraries.of(
                "true", "false", "null", "[]", "[1, 2]", "[-1]", "{}", "\"cl100k_base\""));
    return Arbitraries.maps(key, value)
        .ofMaxSize(4)
        .map(
            m -> {
              StringBuilder sb = new StringBuilder("{");
              m.forEach(
                  (k, v) ->
                      sb.append(sb.length() > 1 ? "," : "")
                          .append('"')
                          .append(k)
                          .append("\":")
                          .append(v));
              return sb.append('}').toString();
            });
  }

  @Property
  void theBucketAdmitsBurstThenRefillRate(
      @ForAll @IntRange(min = 1, max = 50) int burst,
      @ForAll @IntRange(min = 1, max = 6000) int perMinute) {
    AtomicLong now = new AtomicLong(0);
    RateLimiter limiter = new RateLimiter(perMinute, burst, now::get);
    for (int i = 0; i < burst; i++) {
      assertTrue(limiter.acquire("t").allowed());
    }
    RateLimiter.Decision refused = limiter.acquire("t");
    assertTrue(!refused.allowed() && refused.retryAfterSeconds() >= 1);
    assertTrue(limiter.acquire("other").allowed(), "buckets are per token");
    // After Retry-After seconds one more request is admitted.
    now.addAndGet(refused.retryAfterSeconds() * 1_000_000_000L);
    assertTrue(limiter.acquire("t").allowed());
  }
}
