package dev.telltale.provenance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.telltale.TestGenerators;
import dev.telltale.key.SigningKey;
import dev.telltale.provenance.Verification.Reason;
import dev.telltale.text.TextNormalizer;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** Fuzzing of tokens and carriers, and sign-embed-extract-verify round trips. */
class ProvenanceFuzzTest {
  private static final SigningKey KEY = ProvenanceFixtures.active();
  private static final TokenSigner SIGNER = TokenSigner.of(KEY);
  private static final TokenVerifier VERIFIER = TokenVerifier.of(ProvenanceFixtures.publicKeys());
  private static final String TEXT = ProvenanceFixtures.TEXT;
  private static final byte[] TOKEN =
      SIGNER.sign(ProvenanceFixtures.claims(TEXT, Instant.parse("2026-01-01T00:00:00Z"))).bytes();
  private static final String EMBEDDED = TextCarrier.embed(TEXT, TOKEN);

  /**
   * What a damaged token may give. A flip inside the protected header can also rename the key
   * (UNKNOWN_KEY) or the algorithm (UNSUPPORTED_ALGORITHM); never VALID, never an exception.
   */
  private static final Set<Reason> DAMAGED =
      EnumSet.of(
          Reason.MALFORMED,
          Reason.BAD_SIGNATURE,
          Reason.DIGEST_MISMATCH,
          Reason.UNKNOWN_KEY,
          Reason.UNSUPPORTED_ALGORITHM);

  /**
   * Outside the protected header (bytes 2 to 2 + 1 + its length: length head and map) a damaged
   * token can only be MALFORMED or carry a BAD_SIGNATURE.
   */
  private static final Set<Reason> DAMAGED_OUTSIDE_HEADER =
      EnumSet.of(Reason.MALFORMED, Reason.BAD_SIGNATURE);

  private static final int HEADER_END = 3 + (TOKEN[2] & 0x1f);

  private static Set<Reason> allowedAfterDamageAt(int tokenIndex) {
    return tokenIndex >= 2 && tokenIndex < HEADER_END ? DAMAGED : DAMAGED_OUTSIDE_HEADER;
  }

  @Test
  void byteFlipsInTheTokenNeverVerify() {
    qt().withFixedSeed(0x9F22_0001L)
        .withExamples(1000)
        .forAll(integers().between(0, 10_000), integers().between(1, 255))
        .checkAssert(ProvenanceFuzzTest::flippedTokenDoesNotVerify);
  }

  private static void flippedTokenDoesNotVerify(int at, int mask) {
    byte[] t = TOKEN.clone();
    t[at % t.length] ^= (byte) mask;
    Reason r = VERIFIER.verify(t, TEXT).reason();
    assertTrue(allowedAfterDamageAt(at % t.length).contains(r), r.toString());
  }

  @Test
  void truncationsOfTheTokenAreMalformed() {
    qt().withFixedSeed(0x9F22_0002L)
        .withExamples(1000)
        .forAll(integers().between(0, 10_000))
        .checkAssert(
            keep -> {
              byte[] t = java.util.Arrays.copyOf(TOKEN, keep % TOKEN.length);
              assertEquals(Reason.MALFORMED, VERIFIER.verify(t, TEXT).reason());
            });
  }

  @Test
  void insertionsIntoTheTokenNeverVerify() {
    qt().withFixedSeed(0x9F22_0003L)
        .withExamples(1000)
        .forAll(integers().between(0, 10_000), TestGenerators.anyByte())
        .checkAssert(ProvenanceFuzzTest::tokenWithInsertionDoesNotVerify);
  }

  private static void tokenWithInsertionDoesNotVerify(int at, byte inserted) {
    int p = at % (TOKEN.length + 1);
    byte[] t = new byte[TOKEN.length + 1];
    System.arraycopy(TOKEN, 0, t, 0, p);
    t[p] = inserted;
    System.arraycopy(TOKEN, p, t, p + 1, TOKEN.length - p);
    Reason r = VERIFIER.verify(t, TEXT).reason();
    assertTrue(allowedAfterDamageAt(p).contains(r), r.toString());
  }

  @Test
  void arbitraryBytesAreNeverValidAndNeverThrow() {
    qt().withFixedSeed(0x9F22_0004L)
        .withExamples(1000)
        .forAll(TestGenerators.bytes(400))
        .checkAssert(junk -> assertTrue(DAMAGED.contains(VERIFIER.verify(junk, TEXT).reason())));
  }

  /** Code point boundaries inside the carrier, after its U+FEFF. */
  private static List<Integer> carrierPositions() {
    CarrierExtraction.Found f = (CarrierExtraction.Found) TextCarrier.extract(EMBEDDED);
    List<Integer> out = new java.util.ArrayList<>();
    for (int i = f.start() + 1; i < f.end(); i += Character.charCount(EMBEDDED.codePointAt(i))) {
      out.add(i);
    }
    return out;
  }

  private static final List<Integer> POSITIONS = carrierPositions();

  @Test
  void deletingAnyCarrierCharacterIsMalformed() {
    qt().withFixedSeed(0x9F22_0005L)
        .withExamples(1000)
        .forAll(integers().between(0, 10_000))
        .checkAssert(ProvenanceFuzzTest::carrierWithoutACharacterIsMalformed);
  }

  private static void carrierWithoutACharacterIsMalformed(int which) {
    int p = POSITIONS.get(which % POSITIONS.size());
    String damaged =
        EMBEDDED.substring(0, p)
            + EMBEDDED.substring(p + Character.charCount(EMBEDDED.codePointAt(p)));
    assertEquals(Reason.MALFORMED, VERIFIER.verifyEmbedded(damaged).reason());
  }

  @Test
  void changingACarriedByteNeverVerifies() {
    qt().withFixedSeed(0x9F22_0006L)
        .withExamples(1000)
        .forAll(integers().between(0, 10_000), integers().between(1, 255))
        .checkAssert(ProvenanceFuzzTest::carrierWithAChangedByteDoesNotVerify);
  }

  private static void carrierWithAChangedByteDoesNotVerify(int which, int mask) {
    int p = POSITIONS.get(which % POSITIONS.size());
    int cp = EMBEDDED.codePointAt(p);
    int b = cp <= 0xFE0F ? cp - 0xFE00 : cp - 0xE0100 + 0x10;
    int nb = b ^ mask;
    int ncp = nb < 0x10 ? 0xFE00 + nb : 0xE0100 + nb - 0x10;
    String damaged =
        EMBEDDED.substring(0, p)
            + new String(Character.toChars(ncp))
            + EMBEDDED.substring(p + Character.charCount(cp));
    Reason r = VERIFIER.verifyEmbedded(damaged).reason();
    // The first five carried bytes are the carrier header (magic, version, length): MALFORMED.
    int tokenIndex = which % POSITIONS.size() - TextCarrier.HEADER_BYTES;
    Set<Reason> allowed =
        tokenIndex < 0 ? EnumSet.of(Reason.MALFORMED) : allowedAfterDamageAt(tokenIndex);
    assertTrue(allowed.contains(r), r.toString());
  }

  @Test
  void insertionsIntoTheCarrierNeverForgeAnotherToken() {
    qt().withFixedSeed(0x9F22_0007L)
        .withExamples(1000)
        .forAll(integers().between(0, 10_000), inserts())
        .checkAssert(ProvenanceFuzzTest::carrierWithAnInsertionIsTheSameTokenOrDamaged);
  }

  private static void carrierWithAnInsertionIsTheSameTokenOrDamaged(int which, String inserted) {
    int p = POSITIONS.get(which % POSITIONS.size());
    String damaged = EMBEDDED.substring(0, p) + inserted + EMBEDDED.substring(p);
    Verification v = VERIFIER.verifyEmbedded(damaged);
    if (v.reason() == Reason.VALID) {
      // Only possible when the insertion left the very same token intact (e.g. a second U+FEFF
      // right after the first, which leaves an empty, ignorable mark).
      CarrierExtraction.Found f = (CarrierExtraction.Found) TextCarrier.extract(damaged);
      assertArrayEquals(TOKEN, f.token());
    } else {
      assertTrue(DAMAGED.contains(v.reason()), v.reason().toString());
    }
  }

  static Gen<String> inserts() {
    return arbitrary()
        .pick(0xFE00, 0xFE0F, 0xE0100, 0xE01EF, 0xFEFF, (int) 'x', (int) ' ', 0x1F600, 0x0301)
        .map(cp -> new String(Character.toChars(cp)));
  }

  @Test
  void extractAndStripNeverThrowOnCarrierSoup() {
    qt().withFixedSeed(0x9F22_0008L)
        .withExamples(1000)
        .forAll(soup())
        .checkAssert(ProvenanceFuzzTest::soupIsJudgedConsistently);
  }

  private static void soupIsJudgedConsistently(String text) {
    CarrierExtraction e = TextCarrier.extract(text);
    String stripped = TextCarrier.strip(text);
    assertTrue(TextCarrier.extract(stripped) instanceof CarrierExtraction.None);
    assertTrue(stripped.length() <= text.length());
    if (e instanceof CarrierExtraction.Found f) {
      // an intact carrier lies inside the text, starts at its U+FEFF and reads alone the same
      assertTrue(0 <= f.start() && f.start() < f.end() && f.end() <= text.length(), f.toString());
      assertEquals('\uFEFF', text.charAt(f.start()), f.toString());
      CarrierExtraction alone = TextCarrier.extract(text.substring(f.start(), f.end()));
      assertArrayEquals(f.token(), ((CarrierExtraction.Found) alone).token());
    } else if (e instanceof CarrierExtraction.Several several) {
      assertTrue(several.count() >= 2, several.toString());
    } else if (e instanceof CarrierExtraction.Corrupted corrupted) {
      assertFalse(corrupted.problem().isBlank());
    } else {
      assertEquals(text, stripped, "no carrier, nothing to strip");
    }
    assertTrue(DAMAGED.contains(VERIFIER.verifyEmbedded(text).reason()));
  }

  static Gen<String> soup() {
    return TestGenerators.strings(
        arbitrary()
            .pick(
                0xFEFF,
                0xFE00,
                0xFE05,
                0xFE0F,
                0xE0100,
                0xE0154,
                0xE014C,
                0xE01EF,
                (int) 'a',
                (int) '\n'),
        0,
        60);
  }

  @Test
  void signEmbedExtractVerifyRoundTrips() {
    qt().withFixedSeed(0x9F22_0009L)
        .withExamples(300)
        .forAll(unicodeText())
        .checkAssert(ProvenanceFuzzTest::signedEmbeddedTextVerifies);
  }

  private static void signedEmbeddedTextVerifies(String text) {
    ProvenanceToken token =
        SIGNER.sign(ProvenanceFixtures.claims(text, Instant.parse("2026-01-01T00:00:00Z")));
    String embedded = TextCarrier.embed(text, token.bytes());
    CarrierExtraction.Found f = (CarrierExtraction.Found) TextCarrier.extract(embedded);
    assertArrayEquals(token.bytes(), f.token());
    assertEquals(text, TextCarrier.strip(embedded));
    assertEquals(TextNormalizer.normalize(text), TextNormalizer.normalize(embedded));
    Verification v = VERIFIER.verifyEmbedded(embedded);
    assertEquals(Reason.VALID, v.reason(), v.detail());
    assertEquals(token.claims(), v.claims().orElseThrow());
    assertEquals(Reason.VALID, VERIFIER.verifyBase64Url(token.toBase64Url(), text).reason());
    String edited = embedded.replaceFirst("^", "Edited: ");
    assertNotEquals(Reason.VALID, VERIFIER.verifyEmbedded(edited).reason());
  }

  /**
   * Text from pools that stress normalization and the carrier: ASCII, accented and combining marks,
   * right-to-left scripts, emoji with ZWJ and variation selectors, stray selectors, CR/LF.
   */
  @SuppressWarnings("unchecked")
  static Gen<String> unicodeText() {
    Gen<Integer> ascii = integers().between(0x20, 0x7E);
    Gen<Integer> latin = integers().between(0xC0, 0x17F);
    Gen<Integer> combining = integers().between(0x300, 0x36F);
    Gen<Integer> hebrew = integers().between(0x5D0, 0x5EA);
    Gen<Integer> arabic = integers().between(0x621, 0x64A);
    Gen<Integer> emoji = integers().between(0x1F300, 0x1F64F);
    Gen<Integer> special =
        arbitrary()
            .pick(
                0x200D,
                0xFE0F,
                0xFE00,
                0xE0100,
                0xE01EF,
                0x200F,
                (int) '\n',
                (int) '\r',
                (int) '\t',
                0x3000);
    Gen<Integer> cp =
        Generate.frequency(
            Pair.of(6, ascii),
            Pair.of(2, latin),
            Pair.of(2, combining),
            Pair.of(1, hebrew),
            Pair.of(1, arabic),
            Pair.of(2, emoji),
            Pair.of(2, special),
            // anything else but U+FEFF, which would start a second carrier
            Pair.of(1, TestGenerators.codePoints().map(c -> c == 0xFEFF ? 0xFEFE : c)));
    return TestGenerators.strings(cp, 0, 120);
  }
}
