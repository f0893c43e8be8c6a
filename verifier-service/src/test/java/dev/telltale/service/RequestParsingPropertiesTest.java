package dev.telltale.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.TestGenerators;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

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

  @Test
  void arbitraryBytesParseOrFailAs400() {
    // noise, and well-formed requests with damaged bytes (mostly still JSON-like)
    Gen<byte[]> bodies =
        Generate.oneOf(
            TestGenerators.bytes(200),
            TestGenerators.damaged(requests().map(s -> s.getBytes(StandardCharsets.UTF_8))));
    qt().withFixedSeed(0x2E9_0001L)
        .withExamples(1000)
        .forAll(bodies)
        .checkAssert(RequestParsingPropertiesTest::parsesOrFailsAs400);
  }

  private static void parsesOrFailsAs400(byte[] body) {
    try {
      JsonNode n = JsonBody.parse(Buffer.buffer(body));
      DETECT.violation(n); // must not throw on any JSON value
    } catch (ProblemException e) {
      assertEquals(400, e.status());
      assertTrue(e.detail().lines().count() == 1, e.detail());
    }
  }

  @Test
  void arbitraryJsonObjectsAreJudgedWithoutThrowing() {
    qt().withFixedSeed(0x2E9_0002L)
        .withExamples(1000)
        .forAll(requests())
        .checkAssert(json -> TestGenerators.unchecked(() -> judged(json)));
  }

  private static void judged(String json) throws Exception {
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

  /** JSON objects of up to four distinct members, names and values near the request schema. */
  static Gen<String> requests() {
    Gen<String> key =
        arbitrary()
            .pick("text", "tokens", "alpha", "window", "key_id", "tokenizer", "explain", "x");
    Gen<String> value =
        Generate.oneOf(
            TestGenerators.unicodeStrings(5).map(s -> MAPPER.valueToTree(s).toString()),
            doubles().between(-2, 2).map(d -> Double.toString(d)),
            integers().between(-5, 5).map(i -> Integer.toString(i)),
            arbitrary()
                .pick("true", "false", "null", "[]", "[1, 2]", "[-1]", "{}", "\"cl100k_base\""));
    Gen<List<String[]>> members =
        lists().of(key.zip(value, (k, v) -> new String[] {k, v})).ofSizeBetween(0, 4);
    return members
        .map(
            list -> {
              Map<String, String> m = new LinkedHashMap<>();
              list.forEach(kv -> m.putIfAbsent(kv[0], kv[1]));
              StringBuilder sb = new StringBuilder("{");
              m.forEach(
                  (k, v) ->
                      sb.append(sb.length() > 1 ? "," : "")
                          .append('"')
                          .append(k)
                          .append("\":")
                          .append(v));
              return sb.append('}').toString();
            })
        .describedAs(s -> s);
  }

  @Test
  void theBucketAdmitsBurstThenRefillRate() {
    qt().withFixedSeed(0x2E9_0003L)
        .withExamples(1000)
        .forAll(integers().between(1, 50), integers().between(1, 6000))
        .checkAssert(RequestParsingPropertiesTest::admitsBurstThenRefillRate);
  }

  private static void admitsBurstThenRefillRate(int burst, int perMinute) {
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
