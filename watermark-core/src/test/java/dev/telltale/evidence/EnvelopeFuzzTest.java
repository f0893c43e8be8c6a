package dev.telltale.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.telltale.evidence.EvidenceVerification.Reason;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

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

  @Property(tries = 1000)
  void flippedBitsAreNeverValid(
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int at,
      @ForAll @IntRange(min = 0, max = 7) int bit) {
    assertEquals(Reason.VALID, VERIFIER.verify(VALID, List.of()).reason());
    byte[] b = VALID.clone();
    b[at % b.length] ^= (byte) (1 << bit);
    assertNotEquals(Reason.VALID, VERIFIER.verify(b, List.of()).reason(), "byte " + at % b.length);
  }

  @Property(tries = 300)
  void truncationsAndInsertionsAreNeverValid(
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int at,
      @ForAll @IntRange(min = 0, max = 255) int value) {
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
