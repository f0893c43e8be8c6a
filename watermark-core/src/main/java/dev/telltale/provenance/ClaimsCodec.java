package dev.telltale.provenance;

import dev.telltale.key.KeyId;
import dev.telltale.provenance.CborDecoder.Bytes;
import dev.telltale.provenance.CborDecoder.CborException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The CBOR map of {@link ProvenanceClaims}. Labels 1 (iss) and 6 (iat) are the CWT ones (RFC 8392);
 * the others are short text labels. Entries are written in deterministic order (RFC 8949 section
 * 4.2.1: shorter encoded key first, then bytewise); decoding refuses unknown labels.
 */
final class ClaimsCodec {
  static final long ISSUER = 1;
  static final long ISSUED_AT = 6;
  static final String VERSION = "v";
  static final String DIGEST = "dig";
  static final String COVERED = "len";
  static final String MODEL = "mdl";
  static final String REQUEST = "req";
  static final String WATERMARK_KEY = "wmk";
  static final String WATERMARK_SCHEME = "wms";
  static final String ACCOUNT = "acct";

  private static final Set<Object> KNOWN =
      Set.of(
          ISSUER,
          ISSUED_AT,
          VERSION,
          DIGEST,
          COVERED,
          MODEL,
          REQUEST,
          WATERMARK_KEY,
          WATERMARK_SCHEME,
          ACCOUNT);

  private ClaimsCodec() {}

  static byte[] encode(ProvenanceClaims c) {
    HexFormat hex = HexFormat.of();
    try (CborEncoder e = new CborEncoder(256)) {
      e.map(c.account().isPresent() ? 10 : 9)
          .key(ISSUER)
          .text(c.issuer())
          .key(ISSUED_AT)
          .integer(c.issuedAt().getEpochSecond())
          .key(VERSION)
          .integer(c.version())
          .key(DIGEST)
          .bytes(hex.parseHex(c.outputSha256()))
          .key(COVERED)
          .integer(c.coveredChars())
          .key(MODEL)
          .text(c.modelId())
          .key(REQUEST)
          .text(c.requestId())
          .key(WATERMARK_KEY)
          .text(c.watermarkKeyId().value())
          .key(WATERMARK_SCHEME)
          .text(c.watermarkScheme());
      if (c.account().isPresent()) {
        e.key(ACCOUNT).bytes(hex.parseHex(c.account().get()));
      }
      return e.endMap().toByteArray();
    }
  }

  static ProvenanceClaims decode(byte[] payload) throws CborException {
    if (!(CborDecoder.decode(payload) instanceof Map<?, ?> m)) {
      throw new CborException("claims must be a CBOR map");
    }
    for (Object k : m.keySet()) {
      if (!KNOWN.contains(k)) {
        throw new CborException("unknown claim label " + k);
      }
    }
    long version = integer(m, VERSION);
    if (version != ProvenanceClaims.VERSION) {
      throw new CborException("unsupported token version " + version);
    }
    long covered = integer(m, COVERED);
    if (covered > Integer.MAX_VALUE) {
      throw new CborException("covered length out of range");
    }
    Optional<String> account =
        m.containsKey(ACCOUNT) ? Optional.of(digest(m, ACCOUNT)) : Optional.empty();
    try {
      return new ProvenanceClaims(
          (int) version,
          text(m, ISSUER),
          text(m, MODEL),
          Instant.ofEpochSecond(integer(m, ISSUED_AT)),
          text(m, REQUEST),
          account,
          digest(m, DIGEST),
          (int) covered,
          KeyId.of(text(m, WATERMARK_KEY)),
          text(m, WATERMARK_SCHEME));
    } catch (IllegalArgumentException | java.time.DateTimeException e) {
      throw new CborException("invalid claims: " + e.getMessage());
    }
  }

  private static long integer(Map<?, ?> m, Object label) throws CborException {
    if (!(m.get(label) instanceof Long v) || v < 0) {
      throw new CborException("claim " + label + " must be an unsigned integer");
    }
    return v;
  }

  private static String text(Map<?, ?> m, Object label) throws CborException {
    if (!(m.get(label) instanceof String v)) {
      throw new CborException("claim " + label + " must be a text string");
    }
    return v;
  }

  private static String digest(Map<?, ?> m, Object label) throws CborException {
    if (!(m.get(label) instanceof Bytes v) || v.value().length != 32) {
      throw new CborException("claim " + label + " must be a 32-byte string");
    }
    return HexFormat.of().formatHex(v.value());
  }
}
