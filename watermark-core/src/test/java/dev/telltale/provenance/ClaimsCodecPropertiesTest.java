package dev.telltale.provenance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.telltale.key.KeyId;
import dev.telltale.provenance.Verification.Reason;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * The writer (Jackson's CBOR generator) and the strict reader agree on every claim value: text of
 * any length the claims allow (up to 256 chars, 768 UTF-8 bytes: heads of one, two and three
 * bytes), integers of every head size.
 */
class ClaimsCodecPropertiesTest {
  @Property(tries = 500)
  void claimsSurviveEncodeAndStrictDecode(
      @ForAll("claimText") String issuer,
      @ForAll("claimText") String model,
      @ForAll("claimText") String request,
      @ForAll @LongRange(min = 0, max = 253_402_300_799L) long issuedAt,
      @ForAll @IntRange(min = 0) int covered,
      @ForAll @Size(32) byte[] digest,
      @ForAll boolean withAccount,
      @ForAll @Size(32) byte[] account)
      throws Exception {
    HexFormat hex = HexFormat.of();
    ProvenanceClaims c =
        new ProvenanceClaims(
            ProvenanceClaims.VERSION,
            issuer,
            model,
            Instant.ofEpochSecond(issuedAt),
            request,
            withAccount ? Optional.of(hex.formatHex(account)) : Optional.empty(),
            hex.formatHex(digest),
            covered,
            KeyId.of("wm-1"),
            "kgw");
    assertEquals(c, ClaimsCodec.decode(ClaimsCodec.encode(c)));
  }

  @Property(tries = 100)
  void signedTokensWithLongClaimsVerify(@ForAll("claimText") String model) {
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

  @Provide
  Arbitrary<String> claimText() {
    Arbitrary<Integer> cp =
        Arbitraries.oneOf(
            Arbitraries.integers().between(0x20, 0x7E),
            Arbitraries.integers().between(0x80, 0x7FF),
            Arbitraries.integers().between(0x800, 0xD7FF),
            Arbitraries.integers().between(0x10000, 0x10FFFF));
    Arbitrary<String> mixed =
        cp.list().ofMinSize(1).ofMaxSize(128).map(ClaimsCodecPropertiesTest::fromCodePoints);
    Arbitrary<String> longest =
        Arbitraries.strings()
            .withCharRange('\u0800', '\uD7FF')
            .ofMinLength(200)
            .ofMaxLength(ProvenanceClaims.MAX_TEXT_CHARS);
    return Arbitraries.oneOf(mixed, longest);
  }

  private static String fromCodePoints(List<Integer> cps) {
    StringBuilder sb = new StringBuilder();
    cps.forEach(sb::appendCodePoint);
    return sb.toString();
  }
}
