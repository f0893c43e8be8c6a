package dev.telltale.provenance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.telltale.provenance.ProvenanceFixtures.Fixture;
import dev.telltale.provenance.Verification.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each committed fixture file yields the reason code it is named after. */
class ProvenanceFixturesTest {
  static byte[] resource(String name) throws IOException {
    try (InputStream in = ProvenanceFixturesTest.class.getResourceAsStream("/provenance/" + name)) {
      assertNotNull(in, "missing fixture " + name + "; regenerate (see ProvenanceFixtures)");
      return in.readAllBytes();
    }
  }

  static Stream<Arguments> fixtures() {
    return ProvenanceFixtures.generate().stream()
        .filter(f -> f.expected() != null)
        .map(f -> Arguments.of(f.name(), f.expected()));
  }

  private static TokenVerifier verifier() throws Exception {
    PublicKeySet keys = PublicKeySet.parse(resource(ProvenanceFixtures.PUBLIC_KEYS));
    return TokenVerifier.of(
        keys,
        VerificationPolicy.strict()
            .withMaxAge(Duration.ofDays(ProvenanceFixtures.MAX_AGE_DAYS))
            .withClock(Clock.fixed(ProvenanceFixtures.NOW, ZoneOffset.UTC)));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("fixtures")
  void eachFixtureGivesItsReason(String name, Reason expected) throws Exception {
    TokenVerifier verifier = verifier();
    Verification v;
    if (name.startsWith("token.")) {
      String text = new String(resource(ProvenanceFixtures.SIGNED_TEXT), StandardCharsets.UTF_8);
      v = verifier.verify(resource(name), text);
    } else {
      v = verifier.verifyEmbedded(new String(resource(name), StandardCharsets.UTF_8));
    }
    assertEquals(expected, v.reason(), name + ": " + v.detail());
  }

  @Test
  void committedFixturesEqualTheGeneratorOutput() throws Exception {
    for (Fixture f : ProvenanceFixtures.generate()) {
      assertArrayEquals(f.content(), resource(f.name()), f.name() + " is stale; regenerate it");
    }
  }

  @Test
  @EnabledIfSystemProperty(named = "provenance.regenerate", matches = "true")
  void regenerate() throws IOException {
    ProvenanceFixtures.main(new String[] {Path.of("src/test/resources/provenance").toString()});
  }
}
