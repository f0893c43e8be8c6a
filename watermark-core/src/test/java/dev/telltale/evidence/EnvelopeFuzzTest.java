package dev.telltale.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.telltale.evidence.EvidenceVerification.Reason;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Damaged envelope files: never VALID, never an exception. */
class EnvelopeFuzzTest {
  private static final byte[] VALID;
  private static final EnvelopeVerifier VERIFIER =
      EnvelopeVerifier.of(EvidenceFixtures.publicKeys());

  static {
    EnvelopeSigner signer = EnvelopeSigner.of(EvidenceFixtures.active());
    VALID =
        EnvelopeWriter.fileBytes(
            signer.sign(
                EvidenceFixtures.statement(
                    Subject.of(EvidenceFixtures.SUBJECT, EvidenceFixtures.SUBJECT_BYTES))));
  }

  @Test
  void flippedBitsAreNeverValid() {
    assertEquals(Reason.VALID, VERIFIER.verify(VALID, List.of()).reason());
    qt().withFixedSeed(0xE4E1F001L)
        .withExamples(1000)
        .forAll(integers().between(0, Integer.MAX_VALUE), integers().between(0, 7))
        .checkAssert(
            (at, bit) -> {
              byte[] b = VALID.clone();
              b[at % b.length] ^= (byte) (1 << bit);
              assertNotEquals(
                  Reason.VALID, VERIFIER.verify(b, List.of()).reason(), "byte " + at % b.length);
            });
  }

  @Test
  void truncationsAndInsertionsAreNeverValid() {
    qt().withFixedSeed(0xE4E1F002L)
        .withExamples(300)
        .forAll(integers().between(0, Integer.MAX_VALUE), integers().between(0, 255))
        .checkAssert(EnvelopeFuzzTest::truncatedAndInsertedAreNotValid);
  }

  private static void truncatedAndInsertedAreNotValid(int at, int value) {
    int cut = at % (VALID.length - 1);
    byte[] truncated = Arrays.copyOf(VALID, cut);
    assertNotEquals(Reason.VALID, VERIFIER.verify(truncated, List.of()).reason());
    byte[] inserted = new byte[VALID.length + 1];
    System.arraycopy(VALID, 0, inserted, 0, cut);
    inserted[cut] = (byte) value;
    System.arraycopy(VALID, cut, inserted, cut + 1, VALID.length - cut);
    Reason r = VERIFIER.verify(inserted, List.of()).reason();
    // JSON whitespace between tokens is the one insertion that changes nothing signed.
    boolean whitespace = value == ' ' || value == '\t' || value == '\n' || value == '\r';
    if (!whitespace) {
      assertNotEquals(Reason.VALID, r, "insert " + value + " at " + cut);
    }
  }
}
