package dev.telltale.service;

import dev.telltale.TestKeys;
import dev.telltale.embed.Watermarker;
import dev.telltale.key.KeyId;
import dev.telltale.key.KeySet;
import dev.telltale.key.KeySetFile;
import dev.telltale.key.SecretAccess;
import dev.telltale.key.SecretBytes;
import dev.telltale.key.SigningKey;
import dev.telltale.key.SigningKeyStatus;
import dev.telltale.key.WatermarkKey;
import dev.telltale.provenance.ProvenanceClaims;
import dev.telltale.provenance.ProvenanceToken;
import dev.telltale.provenance.TextCarrier;
import dev.telltale.provenance.TokenSigner;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.scheme.PayloadParameters;
import dev.telltale.testdata.SamplingParams;
import dev.telltale.testdata.TeacherGenerator;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/** Keys and texts shared by the service tests: a real teacher generates the watermarked text. */
final class Fixtures {
  static final WatermarkKey KGW = TestKeys.key(0x5e11, GreenListParameters.defaults());
  static final WatermarkKey GUMBEL = TestKeys.key(0x5e12, GumbelParameters.defaults());

  /** A green-list key with the default account payload layer (24 bits, 8 per symbol). */
  static final WatermarkKey PAYLOAD =
      TestKeys.key(
          0x5e13, GreenListParameters.defaults().withPayload(PayloadParameters.defaults()));

  /** The account {@link #attributedText} carries. */
  static final long ACCOUNT = 4242;

  /** A signing key the service retired (its tokens must still verify) and the active one. */
  static final SigningKey SIG_RETIRED = signingKey("sig-old", 0x51601);

  static final SigningKey SIG = signingKey("sig-new", 0x51602);

  /** Not in the service's key set: its tokens are UNKNOWN_KEY. */
  static final SigningKey SIG_FOREIGN = signingKey("sig-foreign", 0x51603);

  /** The service's own id with another seed: its tokens are BAD_SIGNATURE. */
  static final SigningKey SIG_IMPOSTOR = signingKey("sig-new", 0x51604);

  static final KeySet KEYS =
      KeySet.of(KGW.id(), List.of(KGW, GUMBEL, PAYLOAD))
          .withSigningKey(SIG_RETIRED)
          .withSigningKey(SIG);

  /** Human-written text (a Europarl-style sentence set) for the null case. */
  static final String HUMAN =
      "Madam President, on a point of order. You will be aware from the press and television"
          + " that there have been a number of bomb explosions and killings in Sri Lanka. One of"
          + " the people assassinated very recently in Sri Lanka was Mr Kumar Ponnambalam, who"
          + " had visited the European Parliament just a few months ago. Would it be appropriate"
          + " for you, Madam President, to write a letter to the Sri Lankan President expressing"
          + " Parliament's regret at his and the other violent deaths in Sri Lanka?";

  private static String watermarked;
  private static String longWatermarked;
  private static String attributed;

  private Fixtures() {}

  /** A 200-token text the teacher generated under the KGW key. */
  static synchronized String watermarkedText() {
    if (watermarked == null) {
      watermarked = generate(200, 11);
    }
    return watermarked;
  }

  /** A 1000-token watermarked text, the load test's input. */
  static synchronized String longWatermarkedText() {
    if (longWatermarked == null) {
      longWatermarked = generate(1000, 12);
    }
    return longWatermarked;
  }

  /**
   * An 800-token text the teacher generated under the payload key for {@link #ACCOUNT}: the length
   * at which the default payload layout attributes confidently (README, account attribution).
   */
  static synchronized String attributedText() {
    if (attributed == null) {
      attributed = generate(800, 13, Watermarker.forAccount(PAYLOAD, ACCOUNT));
    }
    return attributed;
  }

  private static List<String> scanTexts;

  /**
   * A small corpus for scan jobs: 6 texts the teacher generated under the KGW key, then 18 it
   * generated without a watermark.
   */
  static synchronized List<String> scanTexts() {
    if (scanTexts == null) {
      List<String> t = new java.util.ArrayList<>();
      for (int i = 0; i < 6; i++) {
        t.add(generate(150, 100 + i));
      }
      for (int i = 0; i < 18; i++) {
        t.add(generate(150, 200 + i, null));
      }
      scanTexts = List.copyOf(t);
    }
    return scanTexts;
  }

  private static List<String[]> radioactiveAnswers;

  /**
   * Four prompt and answer pairs whose answers the teacher generated under the KGW key: what a
   * model that copies our watermarked outputs would answer.
   */
  static synchronized List<String[]> radioactiveAnswers() {
    if (radioactiveAnswers == null) {
      List<String[]> a = new java.util.ArrayList<>();
      for (int i = 0; i < 4; i++) {
        a.add(new String[] {"Continue the debate, part " + i + ".", generate(120, 300 + i)});
      }
      radioactiveAnswers = List.copyOf(a);
    }
    return radioactiveAnswers;
  }

  private static List<String> spoofs;

  /**
   * Texts never watermarked by us but spoofed for the KGW key by the stealing attack (an estimate
   * learnt from 150 of its 200-token outputs).
   */
  static synchronized List<String> spoofedTexts() {
    if (spoofs == null) {
      spoofs =
          dev.telltale.testdata.attack.Spoofing.stealAndSpoof(
              TeacherGenerator.defaultTeacher(), KGW, 2, 150, 4, 77);
    }
    return spoofs;
  }

  private static String generate(int tokens, long seed) {
    return generate(tokens, seed, Watermarker.of(KGW));
  }

  private static String generate(int tokens, long seed, Watermarker watermarker) {
    TeacherGenerator teacher = TeacherGenerator.defaultTeacher();
    int[] prompt = teacher.heldOutPrompts(1, 8).get(0);
    return teacher.generate(prompt, tokens, SamplingParams.defaults(), seed, watermarker).text();
  }

  static SigningKey signingKey(String id, long seed) {
    byte[] s = new byte[SigningKey.SEED_LENGTH];
    new SplittableRandom(seed).nextBytes(s);
    return SigningKey.of(
        KeyId.of(id),
        Instant.parse("2026-01-01T00:00:00Z"),
        SigningKeyStatus.ACTIVE,
        SecretBytes.copyOf(s, SecretAccess.get()));
  }

  /** {@code text} with an embedded token signed by {@code key}, issued at {@code issuedAt}. */
  static String signEmbedded(String text, SigningKey key, Instant issuedAt) {
    return TextCarrier.embed(text, sign(text, key, issuedAt).bytes());
  }

  static ProvenanceToken sign(String text, SigningKey key, Instant issuedAt) {
    ProvenanceClaims claims =
        ProvenanceClaims.forOutput(
            text,
            "telltale.test",
            "teacher-kn",
            issuedAt.truncatedTo(ChronoUnit.SECONDS),
            "req-" + Long.toHexString(text.hashCode()),
            Optional.empty(),
            KGW);
    return TokenSigner.of(key.withStatus(SigningKeyStatus.ACTIVE)).sign(claims);
  }

  static Path writeKeys(Path dir) throws Exception {
    return writeKeys(dir, KEYS);
  }

  static Path writeKeys(Path dir, KeySet keys) throws Exception {
    Path p = dir.resolve("keys.json");
    KeySetFile.write(p, keys, false);
    return p;
  }

  /** Every printable form of every test secret, which no response may contain. */
  static List<String> secretForms() {
    List<String> out = new java.util.ArrayList<>();
    for (WatermarkKey k : KEYS.keys()) {
      byte[] s = k.secret().toByteArray(SecretAccess.get());
      out.add(HexFormat.of().formatHex(s));
      out.add(Base64.getEncoder().withoutPadding().encodeToString(s));
      out.add(Base64.getUrlEncoder().withoutPadding().encodeToString(s));
    }
    for (SigningKey k : KEYS.signingKeys()) {
      byte[] s = k.seed().toByteArray(SecretAccess.get());
      out.add(HexFormat.of().formatHex(s));
      out.add(Base64.getEncoder().withoutPadding().encodeToString(s));
      out.add(Base64.getUrlEncoder().withoutPadding().encodeToString(s));
    }
    return out;
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }
}
