package dev.telltale.provenance;

import dev.telltale.TestKeys;
import dev.telltale.key.KeyId;
import dev.telltale.key.SecretAccess;
import dev.telltale.key.SecretBytes;
import dev.telltale.key.SigningKey;
import dev.telltale.key.SigningKeyStatus;
import dev.telltale.key.WatermarkKey;
import dev.telltale.provenance.Verification.Reason;
import dev.telltale.scheme.GreenListParameters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Generates the provenance fixtures in {@code src/test/resources/provenance}: one file per defect,
 * named after it, each with the reason code it must produce. Everything is derived from fixed keys
 * and Ed25519 is deterministic, so the output is byte-stable; {@link ProvenanceFixturesTest} checks
 * that the committed files equal what this class generates.
 *
 * <p>Regenerate after a deliberate format change with {@code ./mvnw -B -pl watermark-core test
 * -Dtest=ProvenanceFixturesTest -Dprovenance.regenerate=true}, or run {@link #main} with the module
 * directory as working directory (or the target directory as the first argument).
 */
public final class ProvenanceFixtures {
  static final String PUBLIC_KEYS = "keys.public.json";
  static final String SIGNED_TEXT = "text.signed.txt";
  static final Instant ISSUED = Instant.parse("2026-01-01T00:00:00Z");

  /** The verifier clock of the fixture test, and the maximum age it allows. */
  static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

  static final int MAX_AGE_DAYS = 3650;

  /** Decomposed é (NFC changes it), an emoji with VS16, RTL text, a CRLF: normalization matters. */
  static final String TEXT =
      "The Commission's proposal was adopted in plenary.\r\n"
          + "Cafe\u0301 owners \uD83D\uDE00\uFE0F welcomed it; \u05E9\u05DC\u05D5\u05DD.\n";

  private ProvenanceFixtures() {}

  /** A fixture file and the verification reason it must produce. */
  record Fixture(String name, byte[] content, Reason expected) {}

  static SigningKey signingKey(String id, SigningKeyStatus status) {
    return SigningKey.of(
        KeyId.of(id), ISSUED, status, SecretBytes.copyOf(seed(id), SecretAccess.get()));
  }

  static SigningKey active() {
    return signingKey("fixture-2026", SigningKeyStatus.ACTIVE);
  }

  static SigningKey retired() {
    // Signs while "active" in the generator; published as retired.
    return signingKey("fixture-2025", SigningKeyStatus.ACTIVE);
  }

  static SigningKey stranger() {
    return signingKey("fixture-stranger", SigningKeyStatus.ACTIVE);
  }

  static PublicKeySet publicKeys() {
    return PublicKeySet.of(
        List.of(
            active().verificationKey(),
            retired().verificationKey().withStatus(SigningKeyStatus.RETIRED)));
  }

  static WatermarkKey watermarkKey() {
    return TestKeys.key(7, GreenListParameters.defaults());
  }

  static ProvenanceClaims claims(String text, Instant issued) {
    WatermarkKey wk = watermarkKey();
    return ProvenanceClaims.forOutput(
        text,
        "telltale.example",
        "teacher-kn4",
        issued,
        "req-0001",
        Optional.of(AccountPseudonym.of(wk, "account-42")),
        wk);
  }

  /** Every fixture, in a stable order; the public key set and signed text have no reason. */
  static List<Fixture> generate() {
    SigningKey key = active();
    TokenSigner signer = TokenSigner.of(key);
    byte[] kid = key.id().value().getBytes(StandardCharsets.UTF_8);
    byte[] payload = ClaimsCodec.encode(claims(TEXT, ISSUED));
    byte[] valid = signer.sign(claims(TEXT, ISSUED)).bytes();
    Map<String, Fixture> out = new LinkedHashMap<>();
    put(out, "token.valid.cose", valid, Reason.VALID);
    put(
        out,
        "token.retired-key.cose",
        TokenSigner.of(retired()).sign(claims(TEXT, ISSUED)).bytes(),
        Reason.VALID);

    byte[] badSig = valid.clone();
    badSig[badSig.length - 1] ^= 0x01;
    put(out, "token.bad-signature.cose", badSig, Reason.BAD_SIGNATURE);
    byte[] otherPayload = ClaimsCodec.encode(claims(TEXT, ISSUED.plusSeconds(1)));
    byte[] protectedBytes = CoseSign1.protectedHeader(kid);
    byte[] sigOfValid = Arrays.copyOfRange(valid, valid.length - 64, valid.length);
    put(
        out,
        "token.payload-tampered.cose",
        CoseSign1.encode(protectedBytes, Optional.empty(), otherPayload, sigOfValid),
        Reason.BAD_SIGNATURE);

    put(out, "token.truncated.cose", Arrays.copyOf(valid, valid.length - 10), Reason.MALFORMED);
    byte[] trailing = Arrays.copyOf(valid, valid.length + 1);
    put(out, "token.trailing-bytes.cose", trailing, Reason.MALFORMED);
    put(
        out,
        "token.not-cbor.cose",
        "not a COSE token\n".getBytes(StandardCharsets.US_ASCII),
        Reason.MALFORMED);
    byte[] wrongTag = valid.clone();
    wrongTag[0] = (byte) 0xD1; // tag 17, COSE_Mac0
    put(out, "token.wrong-tag.cose", wrongTag, Reason.MALFORMED);
    put(out, "token.untagged.cose", Arrays.copyOfRange(valid, 1, valid.length), Reason.MALFORMED);
    byte[] indefinite = new byte[valid.length + 1];
    indefinite[0] = valid[0];
    indefinite[1] = (byte) 0x9F; // indefinite-length array ...
    System.arraycopy(valid, 2, indefinite, 2, valid.length - 2);
    indefinite[valid.length] = (byte) 0xFF; // ... closed by a break
    put(out, "token.indefinite-length.cose", indefinite, Reason.MALFORMED);
    put(
        out,
        "token.no-kid.cose",
        signed(key, header(e -> e.map(1).key(1).integer(-8).endMap()), Optional.empty(), payload),
        Reason.MALFORMED);
    put(
        out,
        "token.kid-unprotected.cose",
        signed(key, header(e -> e.map(1).key(1).integer(-8).endMap()), Optional.of(kid), payload),
        Reason.MALFORMED);
    put(
        out,
        "token.crit-header.cose",
        signed(
            key,
            header(
                e ->
                    e.map(4)
                        .key(1)
                        .integer(-8)
                        .key(2)
                        .array(1)
                        .integer(-70000)
                        .endArray()
                        .key(4)
                        .bytes(kid)
                        .key(-70000)
                        .integer(1)
                        .endMap()),
            Optional.empty(),
            payload),
        Reason.MALFORMED);
    byte[] detached;
    try (CborEncoder e = new CborEncoder(128)) {
      detached =
          e.tag(18)
              .array(4)
              .bytes(protectedBytes)
              .map(0)
              .endMap()
              .nil()
              .bytes(sigOfValid)
              .endArray()
              .toByteArray();
    }
    put(out, "token.detached-payload.cose", detached, Reason.MALFORMED);
    byte[] unknownClaim;
    try (CborEncoder e = new CborEncoder(64)) {
      unknownClaim = e.map(1).key("xyz").integer(1).endMap().toByteArray();
    }
    put(
        out,
        "token.bad-claims.cose",
        signed(key, protectedBytes, Optional.empty(), unknownClaim),
        Reason.MALFORMED);
    put(
        out,
        "token.alg-none.cose",
        signed(key, header(e -> e.map(1).key(4).bytes(kid).endMap()), Optional.empty(), payload),
        Reason.UNSUPPORTED_ALGORITHM);
    put(
        out,
        "token.alg-es256.cose",
        signed(
            key,
            header(e -> e.map(2).key(1).integer(-7).key(4).bytes(kid).endMap()),
            Optional.empty(),
            payload),
        Reason.UNSUPPORTED_ALGORITHM);
    put(
        out,
        "token.alg-text.cose",
        signed(
            key,
            header(e -> e.map(2).key(1).text("EdDSA").key(4).bytes(kid).endMap()),
            Optional.empty(),
            payload),
        Reason.UNSUPPORTED_ALGORITHM);
    put(
        out,
        "token.unknown-kid.cose",
        TokenSigner.of(stranger()).sign(claims(TEXT, ISSUED)).bytes(),
        Reason.UNKNOWN_KEY);
    put(
        out,
        "token.expired.cose",
        signer.sign(claims(TEXT, Instant.parse("2016-01-01T00:00:00Z"))).bytes(),
        Reason.EXPIRED);
    put(
        out,
        "token.other-text.cose",
        signer.sign(claims(TEXT.replace("adopted", "rejected"), ISSUED)).bytes(),
        Reason.DIGEST_MISMATCH);

    String embedded = TextCarrier.embed(TEXT, valid);
    int carrierAt = embedded.indexOf('\uFEFF');
    put(out, "text.embedded.txt", utf8(embedded), Reason.VALID);
    put(
        out,
        "text.edited-after-signing.txt",
        utf8(embedded.replace("adopted", "rejected")),
        Reason.DIGEST_MISMATCH);
    String second =
        TextCarrier.embed(
            "A second paragraph, signed on its own.",
            TokenSigner.of(key)
                .sign(claims("A second paragraph, signed on its own.", ISSUED))
                .bytes());
    put(out, "text.two-carriers.txt", utf8(embedded + "\n" + second + "\n"), Reason.MALFORMED);
    // Drop one selector from the middle of the token: the announced length no longer matches.
    int mid = carrierAt + 1 + 2 * 40;
    int cut =
        Character.isSurrogate(embedded.charAt(mid))
                && Character.isLowSurrogate(embedded.charAt(mid))
            ? mid - 1
            : mid;
    int len = Character.charCount(embedded.codePointAt(cut));
    put(
        out,
        "text.corrupted-carrier.txt",
        utf8(embedded.substring(0, cut) + embedded.substring(cut + len)),
        Reason.MALFORMED);
    String badMagic =
        embedded.substring(0, carrierAt + 1)
            + new String(Character.toChars(0xE0100 + 'X' - 0x10))
            + embedded.substring(carrierAt + 3);
    put(out, "text.carrier-bad-magic.txt", utf8(badMagic), Reason.MALFORMED);
    put(out, "text.no-carrier.txt", utf8(TEXT), Reason.MALFORMED);

    List<Fixture> all = new java.util.ArrayList<>();
    all.add(new Fixture(PUBLIC_KEYS, publicKeys().toJson(), null));
    all.add(new Fixture(SIGNED_TEXT, utf8(TEXT), null));
    all.addAll(out.values());
    return all;
  }

  private interface HeaderWriter {
    void write(CborEncoder e);
  }

  private static byte[] header(HeaderWriter w) {
    try (CborEncoder e = new CborEncoder(64)) {
      w.write(e);
      return e.toByteArray();
    }
  }

  /** A correctly signed COSE_Sign1 with an arbitrary protected header. */
  private static byte[] signed(
      SigningKey key, byte[] protectedBytes, Optional<byte[]> unprotectedKid, byte[] payload) {
    byte[] sig = TokenSigner.of(key).signBytes(CoseSign1.toBeSigned(protectedBytes, payload));
    return CoseSign1.encode(protectedBytes, unprotectedKid, payload, sig);
  }

  private static void put(Map<String, Fixture> out, String name, byte[] content, Reason reason) {
    if (out.put(name, new Fixture(name, content, reason)) != null) {
      throw new IllegalStateException("duplicate fixture " + name);
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] seed(String id) {
    try {
      return MessageDigest.getInstance("SHA-256")
          .digest(("telltale provenance fixture key " + id).getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes every fixture into {@code args[0]} (default {@code src/test/resources/provenance}). */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "src/test/resources/provenance");
    Files.createDirectories(dir);
    for (Fixture f : generate()) {
      Files.write(dir.resolve(f.name()), f.content());
    }
    System.out.println("wrote " + generate().size() + " fixtures to " + dir.toAbsolutePath());
  }
}
