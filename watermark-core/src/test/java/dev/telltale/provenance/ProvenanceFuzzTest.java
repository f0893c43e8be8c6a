package dev.telltale.provenance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.key.SigningKey;
import dev.telltale.provenance.Verification.Reason;
import dev.telltale.text.TextNormalizer;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

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

  @Property
  void byteFlipsInTheTokenNeverVerify(
      @ForAll @IntRange(min = 0, max = 10_000) int at,
      @ForAll @IntRange(min = 1, max = 255) int mask) {
    byte[] t = TOKEN.clone();
    t[at % t.length] ^= (byte) mask;
    Reason r = VERIFIER.verify(t, TEXT).reason();
    assertTrue(allowedAfterDamageAt(at % t.length).contains(r), r.toString());
  }

  @Property
  void truncationsOfTheTokenAreMalformed(@ForAll @IntRange(min = 0, max = 10_000) int keep) {
    byte[] t = java.util.Arrays.copyOf(TOKEN, keep % TOKEN.length);
    assertEquals(Reason.MALFORMED, VERIFIER.verify(t, TEXT).reason());
  }

  @Property
  void insertionsIntoTheTokenNeverVerify(
      @ForAll @IntRange(min = 0, max = 10_000) int at, @ForAll byte inserted) {
    int p = at % (TOKEN.length + 1);
    byte[] t = new byte[TOKEN.length + 1];
    System.arraycopy(TOKEN, 0, t, 0, p);
    t[p] = inserted;
    System.arraycopy(TOKEN, p, t, p + 1, TOKEN.length - p);
    Reason r = VERIFIER.verify(t, TEXT).reason();
    assertTrue(allowedAfterDamageAt(p).contains(r), r.toString());
  }

  @Property
  void arbitraryBytesAreNeverValidAndNeverThrow(@ForAll @Size(max = 400) byte[] junk) {
    assertTrue(DAMAGED.contains(VERIFIER.verify(junk, TEXT).reason()));
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

  @Property
  void deletingAnyCarrierCharacterIsMalformed(@ForAll @IntRange(min = 0, max = 10_000) int which) {
    int p = POSITIONS.get(which % POSITIONS.size());
    String damaged =
        EMBEDDED.substring(0, p)
            + EMBEDDED.substring(p + Character.charCount(EMBEDDED.codePointAt(p)));
    assertEquals(Reason.MALFORMED, VERIFIER.verifyEmbedded(damaged).reason());
  }

  @Property
  void changingACarriedByteNeverVerifies(
      @ForAll @IntRange(min = 0, max = 10_000) int which,
      @ForAll @IntRange(min = 1, max = 255) int mask) {
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

  @Property
  void insertionsIntoTheCarrierNeverForgeAnotherToken(
      @ForAll @IntRange(min = 0, max = 10_000) int which, @ForAll("inserts") String inserted) {
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

  @Provide
  Arbitrary<String> inserts() {
    return Arbitraries.of(
            0xFE00, 0xFE0F, 0xE0100, 0xE01EF, 0xFEFF, (int) 'x', (int) ' ', 0x1F600, 0x0301)
        .map(cp -> new String(Character.toChars(cp)));
  }

  @Property
  void extractAndStripNeverThrowOnCarrierSoup(@ForAll("soup") String text) {
    CarrierExtraction e = TextCarrier.extract(text);
    String stripped = TextCarrier.strip(text);
    assertTrue(TextCarrier.extract(stripped) instanceof CarrierExtraction.None);
    assertTrue(e != null);
    assertTrue(DAMAGED.contains(VERIFIER.verifyEmbedded(text).reason()));
  }

  @Provide
  Arbitrary<String> soup() {
    return Arbitraries.of(
            0xFEFF,
            0xFE00,
            0xFE05,
            0xFE0F,
            0xE0100,
            0xE0154,
            0xE014C,
            0xE01EF,
            (int) 'a',
            (int) '\n')
        .list()
        .ofMaxSize(60)
        .map(ProvenanceFuzzTest::fromCodePoints);
  }

  @Property(tries = 300)
  void signEmbedExtractVerifyRoundTrips(@ForAll("unicodeText") String text) {
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
  @Provide
  Arbitrary<String> unicodeText() {
    Arbitrary<Integer> ascii = Arbitraries.integers().between(0x20, 0x7E);
    Arbitrary<Integer> latin = Arbitraries.integers().between(0xC0, 0x17F);
    Arbitrary<Integer> combining = Arbitraries.integers().between(0x300, 0x36F);
    Arbitrary<Integer> hebrew = Arbitraries.integers().between(0x5D0, 0x5EA);
    Arbitrary<Integer> arabic = Arbitraries.integers().between(0x621, 0x64A);
    Arbitrary<Integer> emoji = Arbitraries.integers().between(0x1F300, 0x1F64F);
    Arbitrary<Integer> special =
        Arbitraries.of(
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
    Arbitrary<Integer> cp =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(6, ascii),
            net.jqwik.api.Tuple.of(2, latin),
            net.jqwik.api.Tuple.of(2, combining),
            net.jqwik.api.Tuple.of(1, hebrew),
            net.jqwik.api.Tuple.of(1, arabic),
            net.jqwik.api.Tuple.of(2, emoji),
            net.jqwik.api.Tuple.of(2, special));
    return cp.list().ofMaxSize(120).map(ProvenanceFuzzTest::fromCodePoints);
  }

  private static String fromCodePoints(List<Integer> cps) {
    StringBuilder sb = new StringBuilder();
    cps.forEach(sb::appendCodePoint);
    return sb.toString();
  }
}
