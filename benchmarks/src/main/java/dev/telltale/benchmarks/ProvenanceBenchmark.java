package dev.telltale.benchmarks;

import dev.telltale.key.KeyId;
import dev.telltale.key.SecretAccess;
import dev.telltale.key.SecretBytes;
import dev.telltale.key.SigningKey;
import dev.telltale.key.SigningKeyStatus;
import dev.telltale.key.WatermarkKey;
import dev.telltale.provenance.AccountPseudonym;
import dev.telltale.provenance.CarrierExtraction;
import dev.telltale.provenance.ProvenanceClaims;
import dev.telltale.provenance.ProvenanceToken;
import dev.telltale.provenance.PublicKeySet;
import dev.telltale.provenance.TextCarrier;
import dev.telltale.provenance.TokenSigner;
import dev.telltale.provenance.TokenVerifier;
import dev.telltale.provenance.Verification;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Provenance tokens per output: signing (claims for a ~1,000-char English output, i.e. NFC
 * normalization and SHA-256 of the text, the CBOR claims, Ed25519, the COSE_Sign1 encoding),
 * verification (parse, Ed25519 verify, claims, digest of the text), and the in-text carrier (embed,
 * extract). Baselines in the same run: a bare Ed25519 signature and verification of the same
 * Sig_structure size, so the cost of everything around the signature is visible. Target: at least
 * 10k signatures per second per core. {@link #main} prints the token and carrier sizes.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ProvenanceBenchmark {
  private String output;
  private WatermarkKey watermarkKey;
  private String pseudonym;
  private TokenSigner signer;
  private TokenVerifier verifier;
  private byte[] token;
  private String embedded;
  private ProvenanceClaims claims;
  private Ed25519PrivateKeyParameters rawPrivate;
  private Ed25519PublicKeyParameters rawPublic;
  private byte[] rawMessage;
  private byte[] rawSignature;
  private final Instant issued = Instant.parse("2026-01-01T00:00:00Z");

  static SigningKey signingKey() {
    byte[] seed = new byte[SigningKey.SEED_LENGTH];
    new SplittableRandom(11).nextBytes(seed);
    return SigningKey.of(
        KeyId.of("bench-sig"),
        Instant.parse("2026-01-01T00:00:00Z"),
        SigningKeyStatus.ACTIVE,
        SecretBytes.copyOf(seed, SecretAccess.get()));
  }

  @Setup
  public void setup() {
    output = BenchData.englishText(1000);
    watermarkKey = BenchData.kgwKey();
    pseudonym = AccountPseudonym.of(watermarkKey, "account-42");
    SigningKey key = signingKey();
    signer = TokenSigner.of(key);
    verifier = TokenVerifier.of(PublicKeySet.of(List.of(key.verificationKey())));
    ProvenanceToken t = sign();
    claims = t.claims();
    token = t.bytes();
    embedded = TextCarrier.embed(output, token);
    if (!verifier.verify(token, output).isValid() || !verifier.verifyEmbedded(embedded).isValid()) {
      throw new IllegalStateException("benchmark token does not verify");
    }
    rawPrivate = key.privateParameters(SecretAccess.get());
    rawPublic = rawPrivate.generatePublicKey();
    // A Sig_structure is the token minus the signature plus ~15 bytes of framing.
    rawMessage = new byte[token.length - 64 + 15];
    new SplittableRandom(5).nextBytes(rawMessage);
    rawSignature = new byte[64];
    rawPrivate.sign(
        Ed25519.Algorithm.Ed25519,
        rawPublic,
        null,
        rawMessage,
        0,
        rawMessage.length,
        rawSignature,
        0);
  }

  @Benchmark
  public ProvenanceToken sign() {
    return signer.sign(
        ProvenanceClaims.forOutput(
            output,
            "telltale.example",
            "teacher-kn4",
            issued,
            "req-0001",
            Optional.of(pseudonym),
            watermarkKey));
  }

  /** The claims alone: normalization and SHA-256 of the output. */
  @Benchmark
  public ProvenanceClaims claimsForOutput() {
    return ProvenanceClaims.forOutput(
        output,
        "telltale.example",
        "teacher-kn4",
        issued,
        "req-0001",
        Optional.of(pseudonym),
        watermarkKey);
  }

  /** Signing ready-made claims: CBOR, Ed25519, COSE_Sign1. */
  @Benchmark
  public ProvenanceToken signClaims() {
    return signer.sign(claims);
  }

  @Benchmark
  public Verification verify() {
    return verifier.verify(token, output);
  }

  @Benchmark
  public String embedCarrier() {
    return TextCarrier.embed(output, token);
  }

  @Benchmark
  public CarrierExtraction extractCarrier() {
    return TextCarrier.extract(embedded);
  }

  @Benchmark
  public byte[] baselineEd25519Sign() {
    byte[] sig = new byte[64];
    rawPrivate.sign(
        Ed25519.Algorithm.Ed25519, rawPublic, null, rawMessage, 0, rawMessage.length, sig, 0);
    return sig;
  }

  @Benchmark
  public boolean baselineEd25519Verify() {
    return rawPublic.verify(
        Ed25519.Algorithm.Ed25519, null, rawMessage, 0, rawMessage.length, rawSignature, 0);
  }

  /** Prints the sizes of a token over the benchmark output: COSE bytes, base64url, carrier. */
  public static void main(String[] args) {
    ProvenanceBenchmark b = new ProvenanceBenchmark();
    b.setup();
    ProvenanceToken t = b.sign();
    System.out.printf(
        "output %d chars; token %d bytes; base64url %d chars; carrier %d UTF-8 bytes"
            + " (%d code points)%n",
        b.output.length(),
        t.size(),
        t.toBase64Url().length(),
        TextCarrier.carrierUtf8Bytes(t.bytes()),
        b.embedded.codePointCount(0, b.embedded.length())
            - b.output.codePointCount(0, b.output.length()));
    System.out.printf(
        "embedded text %d UTF-8 bytes vs %d plain%n",
        b.embedded.getBytes(StandardCharsets.UTF_8).length,
        b.output.getBytes(StandardCharsets.UTF_8).length);
  }
}
