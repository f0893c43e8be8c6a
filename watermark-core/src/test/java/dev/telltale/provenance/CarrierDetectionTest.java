package dev.telltale.provenance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.telltale.detect.DetectionPolicy;
import dev.telltale.detect.Detector;
import dev.telltale.text.Tokenizers;
import org.junit.jupiter.api.Test;

/** The watermark detector does not see the carrier: same detection with and without it. */
class CarrierDetectionTest {
  @Test
  void detectionIgnoresTheCarrier() {
    String text = ProvenanceFixtures.TEXT.repeat(5);
    byte[] token =
        TokenSigner.of(ProvenanceFixtures.active())
            .sign(ProvenanceFixtures.claims(text, ProvenanceFixtures.ISSUED))
            .bytes();
    Detector detector =
        Detector.of(
            ProvenanceFixtures.watermarkKey(),
            Tokenizers.byName(Tokenizers.CL100K_BASE),
            DetectionPolicy.defaults());
    assertEquals(detector.detectText(text), detector.detectText(TextCarrier.embed(text, token)));
  }
}
