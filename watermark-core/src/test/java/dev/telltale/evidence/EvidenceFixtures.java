package dev.telltale.evidence;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.TestKeys;
import dev.telltale.evidence.EvidenceVerification.Reason;
import dev.telltale.key.KeyId;
import dev.telltale.key.SecretAccess;
import dev.telltale.key.SecretBytes;
import dev.telltale.key.SigningKey;
import dev.telltale.key.SigningKeyStatus;
import dev.telltale.key.WatermarkKey;
import dev.telltale.provenance.PublicKeySet;
import dev.telltale.scheme.GreenListParameters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Generates the evidence fixtures in {@code src/test/resources/evidence}: one envelope per defect,
 * named after it, each with the reason it must produce against {@code keys.public.json} and the
 * subject {@code suspect.txt}. Fixed keys and deterministic Ed25519 make the files byte-stable;
 * {@link EvidenceFixturesTest} checks the committed files equal this output. Regenerate with {@code
 * ./mvnw -B -pl watermark-core test -Dtest=EvidenceFixturesTest -Devidence.regenerate=true}.
 */
public final class EvidenceFixtures {
  static final String PUBLIC_KEYS = "keys.public.json";
  static final String SUBJECT = "suspect.txt";
  static final byte[] SUBJECT_BYTES =
      "The Commission's proposal was adopted in plenary.\n".getBytes(StandardCharsets.UTF_8);
  static final Instant TIME = Instant.parse("2026-11-23T22:40:00Z");

  private EvidenceFixtures() {}

  record Fixture(String name, byte[] content, Reason expected) {}

  static SigningKey signingKey(String id) {
    byte[] seed = new byte[32];
    byte[] idBytes = id.getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < seed.length; i++) {
      seed[i] = (byte) (idBytes[i % idBytes.length] * 31 + i);
    }
    return SigningKey.of(
        KeyId.of(id),
        Instant.parse("2026-01-01T00:00:00Z"),
        SigningKeyStatus.ACTIVE,
        SecretBytes.copyOf(seed, SecretAccess.get()));
  }

  public static SigningKey active() {
    return signingKey("evidence-2026");
  }

  public static SigningKey stranger() {
    return signingKey("evidence-stranger");
  }

  public static PublicKeySet publicKeys() {
    return PublicKeySet.of(List.of(active().verificationKey()));
  }

  public static WatermarkKey watermarkKey() {
    return TestKeys.key(7, GreenListParameters.defaults());
  }

  /** A detection statement about {@code subject}. */
  public static EvidenceStatement statement(Subject subject) {
    ObjectNode result = JsonNodeFactory.instance.objectNode();
    result.put("key_id", watermarkKey().id().value());
    result.put("scheme", "kgw");
    result.put("tokens", 412);
    result.put("scored_tokens", 398);
    result.put("green_tokens", 251);
    result.put("p_value", 1.4e-58);
    result.put("log10_p_value", -57.85);
    result.put("z_score", 16.1);
    result.put("verdict", "watermarked");
    ObjectNode dedup = JsonNodeFactory.instance.objectNode();
    dedup.put("enabled", true);
    dedup.put("scope", "text");
    return EvidenceStatement.builder(EvidenceKind.DETECTION)
        .subject(subject)
        .method("kgw")
        .command(List.of("telltale", "detect", "--keys", "KEYS", "--json", SUBJECT))
        .key(KeyCommitment.of(watermarkKey()))
        .dedup(dedup)
        .result(result)
        .softwareVersion("0.1.0-SNAPSHOT")
        .time(TIME)
        .build();
  }

  static List<Fixture> generate() {
    EnvelopeSigner signer = EnvelopeSigner.of(active());
    Subject subject = Subject.of(SUBJECT, SUBJECT_BYTES);
    Envelope valid = signer.sign(statement(subject));
    List<Fixture> out = new ArrayList<>();
    out.add(new Fixture("envelope.valid.json", EnvelopeWriter.fileBytes(valid), Reason.VALID));

    byte[] sig = valid.signatures().get(0).sig();
    sig[10] ^= 0x01;
    out.add(
        fixture(
            "envelope.bad-signature.json",
            new Envelope(
                valid.payloadType(),
                valid.payload(),
                List.of(new Envelope.Signature(signer.keyId(), sig))),
            Reason.BAD_SIGNATURE));

    byte[] payload = valid.payload();
    String text =
        new String(payload, StandardCharsets.UTF_8)
            .replace("\"green_tokens\":251", "\"green_tokens\":351");
    out.add(
        fixture(
            "envelope.tampered-payload.json",
            new Envelope(
                valid.payloadType(), text.getBytes(StandardCharsets.UTF_8), valid.signatures()),
            Reason.BAD_SIGNATURE));

    out.add(
        fixture(
            "envelope.wrong-key.json",
            EnvelopeSigner.of(stranger()).sign(statement(subject)),
            Reason.UNKNOWN_KEY));

    // Validly signed, but about other bytes than suspect.txt.
    Subject other = new Subject(SUBJECT, hex(sha256("another text\n")));
    out.add(
        fixture(
            "envelope.subject-digest-mismatch.json",
            signer.sign(statement(other)),
            Reason.DIGEST_MISMATCH));

    out.add(
        fixture(
            "envelope.not-in-toto.json",
            signer.sign("application/json", valid.payload()),
            Reason.UNSUPPORTED_TYPE));

    out.add(
        fixture(
            "envelope.malformed-statement.json",
            signer.sign(Envelope.IN_TOTO, "{\"_type\":\"nope\"}".getBytes(StandardCharsets.UTF_8)),
            Reason.MALFORMED));

    byte[] file = EnvelopeWriter.fileBytes(valid);
    out.add(
        new Fixture(
            "envelope.truncated.json",
            java.util.Arrays.copyOf(file, file.length / 2),
            Reason.MALFORMED));
    String b64 = Base64.getEncoder().encodeToString(valid.payload());
    out.add(
        new Fixture(
            "envelope.bad-base64.json",
            new String(file, StandardCharsets.UTF_8)
                .replace(b64, "*" + b64.substring(1))
                .getBytes(StandardCharsets.UTF_8),
            Reason.MALFORMED));
    return out;
  }

  private static Fixture fixture(String name, Envelope e, Reason reason) {
    return new Fixture(name, EnvelopeWriter.fileBytes(e), reason);
  }

  static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String hex(byte[] b) {
    return java.util.HexFormat.of().formatHex(b);
  }

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "src/test/resources/evidence");
    Files.createDirectories(dir);
    Files.write(dir.resolve(PUBLIC_KEYS), publicKeys().toJson());
    Files.write(dir.resolve(SUBJECT), SUBJECT_BYTES);
    for (Fixture f : generate()) {
      Files.write(dir.resolve(f.name()), f.content());
    }
  }
}
