package dev.telltale.provenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.telltale.TestGenerators;
import dev.telltale.key.KeyId;
import dev.telltale.provenance.Verification.Reason;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * The writer (Jackson's CBOR generator) and the strict reader agree on every claim value: text of
 * any length the claims allow (up to 256 chars, 768 UTF-8 bytes: heads of one, two and three
 * bytes), integers of every head size.
 */
class ClaimsCodecPropertiesTest {
  @Test
  void claimsSurviveEncodeAndStrictDecode() {
    HexFormat hex = HexFormat.of();
    Gen<String[]> texts =
        claimText().zip(claimText(), claimText(), (i, m, r) -> new String[] {i, m, r});
    Gen<Optional<String>> account =
        booleans()
            .all()
            .zip(
                TestGenerators.bytes(32, 32),
                (with, a) -> with ? Optional.of(hex.formatHex(a)) : Optional.<String>empty());
    Gen<ProvenanceClaims> claims =
        texts.zip(
            longs().between(0, 253_402_300_799L),
            integers().between(0, Integer.MAX_VALUE),
            TestGenerators.bytes(32, 32),
            account,
            (t, issuedAt, covered, digest, acct) ->
                new ProvenanceClaims(
                    ProvenanceClaims.VERSION,
                    t[0],
                    t[1],
                    Instant.ofEpochSecond(issuedAt),
                    t[2],
                    acct,
                    hex.formatHex(digest),
                    covered,
                    KeyId.of("wm-1"),
                    "kgw"));
    qt().withFixedSeed(0xC1A1_0001L)
        .withExamples(500)
        .forAll(claims)
        .checkAssert(
            c ->
                TestGenerators.unchecked(
                    () -> assertEquals(c, ClaimsCodec.decode(ClaimsCodec.encode(c)))));
  }

  @Test
  void signedTokensWithLongClaimsVerify() {
    qt().withFixedSeed(0xC1A1_0002L)
        .withExamples(100)
        .forAll(claimText())
        .checkAssert(ClaimsCodecPropertiesTest::signedWithModelVerifies);
  }

  private static void signedWithModelVerifies(String model) {
    String text = "output";
    ProvenanceClaims base = ProvenanceFixtures.claims(text, ProvenanceFixtures.ISSUED);
    ProvenanceClaims c =
        new ProvenanceClaims(
            base.version(),
            base.issuer(),
            model,
            base.issuedAt(),
            base.requestId(),
            base.account(),
            base.outputSha256(),
            base.coveredChars(),
            base.watermarkKeyId(),
            base.watermarkScheme());
    byte[] token = TokenSigner.of(ProvenanceFixtures.active()).sign(c).bytes();
    assertEquals(
        Reason.VALID,
        TokenVerifier.of(ProvenanceFixtures.publicKeys()).verify(token, text).reason());
  }

  /**
   * Text of one to 128 code points of one, two, three and four UTF-8 bytes, or 200 to the maximum
   * of three-byte characters (the longest CBOR text heads).
   */
  static Gen<String> claimText() {
    Gen<Integer> cp =
        Generate.oneOf(
            integers().between(0x20, 0x7E),
            integers().between(0x80, 0x7FF),
            integers().between(0x800, 0xD7FF),
            integers().between(0x10000, 0x10FFFF));
    Gen<String> mixed = TestGenerators.strings(cp, 1, 128);
    Gen<String> longest =
        TestGenerators.strings(
            integers().between(0x800, 0xD7FF), 200, ProvenanceClaims.MAX_TEXT_CHARS);
    return Generate.oneOf(mixed, longest);
  }
}
