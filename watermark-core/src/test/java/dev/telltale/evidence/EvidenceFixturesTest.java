package dev.telltale.evidence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.telltale.evidence.EvidenceFixtures.Fixture;
import dev.telltale.evidence.EvidenceVerification.Reason;
import dev.telltale.provenance.PublicKeySet;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each committed envelope fixture yields the reason code it is named after. */
class EvidenceFixturesTest {
  static byte[] resource(String name) throws IOException {
    try (InputStream in = EvidenceFixturesTest.class.getResourceAsStream("/evidence/" + name)) {
      assertNotNull(in, "missing fixture " + name + "; regenerate (see EvidenceFixtures)");
      return in.readAllBytes();
    }
  }

  static Stream<Arguments> fixtures() {
    return EvidenceFixtures.generate().stream().map(f -> Arguments.of(f.name(), f.expected()));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("fixtures")
  void eachFixtureGivesItsReason(String name, Reason expected) throws Exception {
    PublicKeySet keys = PublicKeySet.parse(resource(EvidenceFixtures.PUBLIC_KEYS));
    Subject suspect = Subject.of(EvidenceFixtures.SUBJECT, resource(EvidenceFixtures.SUBJECT));
    EvidenceVerification v = EnvelopeVerifier.of(keys).verify(resource(name), List.of(suspect));
    assertEquals(expected, v.reason(), name + ": " + v.detail());
  }

  @Test
  void committedFixturesEqualTheGeneratorOutput() throws Exception {
    for (Fixture f : EvidenceFixtures.generate()) {
      assertArrayEquals(f.content(), resource(f.name()), f.name() + " is stale; regenerate it");
    }
    assertArrayEquals(
        EvidenceFixtures.publicKeys().toJson(), resource(EvidenceFixtures.PUBLIC_KEYS));
  }

  @Test
  @EnabledIfSystemProperty(named = "evidence.regenerate", matches = "true")
  void regenerate() throws IOException {
    EvidenceFixtures.main(new String[] {Path.of("src/test/resources/evidence").toString()});
  }
}
