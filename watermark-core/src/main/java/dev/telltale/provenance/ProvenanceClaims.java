package dev.telltale.provenance;

import dev.telltale.key.KeyId;
import dev.telltale.key.WatermarkKey;
import dev.telltale.text.TextNormalizer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a provenance token asserts about one output: who issued it, which model produced it and
 * when, the request, the (pseudonymous) account, the SHA-256 of the normalized output and the
 * watermark key that marked it. The CBOR labels are listed in the README.
 *
 * @param version token format version, {@link #VERSION}
 * @param issuer who signs, e.g. the provider's domain
 * @param modelId the model that generated the output
 * @param issuedAt signing time, whole seconds
 * @param requestId the serving request, for the provider's own records
 * @param account pseudonym of the account (lower-case hex HMAC-SHA256, see {@link
 *     AccountPseudonym}), never the real id
 * @param outputSha256 lower-case hex SHA-256 of the UTF-8 of the normalized output
 * @param coveredChars length in UTF-16 chars of the normalized output the digest covers
 * @param watermarkKeyId the watermark key that marked the output
 * @param watermarkScheme its scheme name ({@code kgw}, {@code gumbel})
 */
public record ProvenanceClaims(
    int version,
    String issuer,
    String modelId,
    Instant issuedAt,
    String requestId,
    Optional<String> account,
    String outputSha256,
    int coveredChars,
    KeyId watermarkKeyId,
    String watermarkScheme) {
  /** The only token format version this build writes and reads. */
  public static final int VERSION = 1;

  /** Longest issuer, model, request id or scheme, in chars. */
  public static final int MAX_TEXT_CHARS = 256;

  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  public ProvenanceClaims {
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(watermarkKeyId, "watermarkKeyId");
    if (version != VERSION) {
      throw new IllegalArgumentException("unsupported token version " + version);
    }
    checkText("issuer", issuer);
    checkText("model id", modelId);
    checkText("request id", requestId);
    checkText("watermark scheme", watermarkScheme);
    if (issuedAt.getNano() != 0 || issuedAt.getEpochSecond() < 0) {
      throw new IllegalArgumentException("issued-at must be whole seconds after 1970");
    }
    account.ifPresent(
        a -> {
          if (!SHA256_HEX.matcher(a).matches()) {
            throw new IllegalArgumentException("account pseudonym must be 64 lower-case hex");
          }
        });
    if (outputSha256 == null || !SHA256_HEX.matcher(outputSha256).matches()) {
      throw new IllegalArgumentException("output digest must be 64 lower-case hex");
    }
    if (coveredChars < 0) {
      throw new IllegalArgumentException("covered chars must be >= 0");
    }
  }

  private static void checkText(String what, String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
    if (value.length() > MAX_TEXT_CHARS) {
      throw new IllegalArgumentException(what + " is longer than " + MAX_TEXT_CHARS + " chars");
    }
  }

  /**
   * Claims for {@code output}: the digest and covered length are computed from the text the way a
   * verifier will ({@link #digestOf}); the watermark key contributes its id and scheme.
   */
  public static ProvenanceClaims forOutput(
      String output,
      String issuer,
      String modelId,
      Instant issuedAt,
      String requestId,
      Optional<String> account,
      WatermarkKey watermarkKey) {
    String normalized = TextNormalizer.normalize(output);
    return new ProvenanceClaims(
        VERSION,
        issuer,
        modelId,
        issuedAt,
        requestId,
        account,
        sha256Hex(normalized),
        normalized.length(),
        watermarkKey.id(),
        watermarkKey.parameters().schemeName());
  }

  /** Lower-case hex SHA-256 of the UTF-8 of {@link TextNormalizer#normalize}{@code (text)}. */
  public static String digestOf(String text) {
    return sha256Hex(TextNormalizer.normalize(text));
  }

  /** Whether {@code text} normalizes to exactly what these claims cover. */
  public boolean covers(String text) {
    String normalized = TextNormalizer.normalize(text);
    return normalized.length() == coveredChars
        && MessageDigest.isEqual(sha256(normalized), HexFormat.of().parseHex(outputSha256));
  }

  private static String sha256Hex(String normalized) {
    return HexFormat.of().formatHex(sha256(normalized));
  }

  private static byte[] sha256(String normalized) {
    try {
      return MessageDigest.getInstance("SHA-256")
          .digest(normalized.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }
}
