package dev.telltale.provenance;

import dev.telltale.provenance.CborDecoder.Bytes;
import dev.telltale.provenance.CborDecoder.CborException;
import dev.telltale.provenance.CborDecoder.Tagged;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed COSE_Sign1 message (RFC 9052 section 4.2): {@code 18([protected, unprotected, payload,
 * signature])}, the protected header kept as the exact bytes that were signed.
 */
record CoseSign1(
    byte[] protectedBytes,
    Map<Object, Object> protectedHeader,
    Map<Object, Object> unprotectedHeader,
    byte[] payload,
    byte[] signature) {
  static final int TAG = 18;
  static final long HEADER_ALG = 1;
  static final long HEADER_CRIT = 2;
  static final long HEADER_KID = 4;
  static final long ALG_EDDSA = -8;
  private static final String CONTEXT = "Signature1";

  /** Parses the structure alone; what the headers mean is the verifier's business. */
  static CoseSign1 parse(byte[] message) throws CborException {
    Object top = CborDecoder.decode(message);
    if (!(top instanceof Tagged t) || t.tag() != TAG) {
      throw new CborException("not a COSE_Sign1 message (CBOR tag 18)");
    }
    if (!(t.value() instanceof List<?> parts) || parts.size() != 4) {
      throw new CborException("COSE_Sign1 must be an array of 4 items");
    }
    if (!(parts.get(0) instanceof Bytes prot)) {
      throw new CborException("COSE_Sign1 protected header must be a byte string");
    }
    Map<Object, Object> protectedHeader = Map.of();
    if (prot.value().length > 0) {
      // RFC 9052: a zero-length string stands for the empty map.
      if (!(CborDecoder.decode(prot.value()) instanceof Map<?, ?> m)) {
        throw new CborException("COSE_Sign1 protected header must encode a map");
      }
      protectedHeader = cast(m);
    }
    if (!(parts.get(1) instanceof Map<?, ?> unprot)) {
      throw new CborException("COSE_Sign1 unprotected header must be a map");
    }
    if (!(parts.get(2) instanceof Bytes payload)) {
      throw new CborException("COSE_Sign1 payload must be an attached byte string");
    }
    if (!(parts.get(3) instanceof Bytes sig)) {
      throw new CborException("COSE_Sign1 signature must be a byte string");
    }
    return new CoseSign1(prot.value(), protectedHeader, cast(unprot), payload.value(), sig.value());
  }

  @SuppressWarnings("unchecked")
  private static Map<Object, Object> cast(Map<?, ?> m) {
    return (Map<Object, Object>) m;
  }

  /** The protected header our tokens carry: {@code {1: -8, 4: kid}}. */
  static byte[] protectedHeader(byte[] kid) {
    try (CborEncoder e = new CborEncoder(8 + kid.length)) {
      return e.map(2)
          .key(HEADER_ALG)
          .integer(ALG_EDDSA)
          .key(HEADER_KID)
          .bytes(kid)
          .endMap()
          .toByteArray();
    }
  }

  /** {@code Sig_structure = ["Signature1", protected, external_aad = h'', payload]}. */
  static byte[] toBeSigned(byte[] protectedBytes, byte[] payload) {
    try (CborEncoder e = new CborEncoder(protectedBytes.length + payload.length + 24)) {
      return e.array(4)
          .text(CONTEXT)
          .bytes(protectedBytes)
          .bytes(new byte[0])
          .bytes(payload)
          .endArray()
          .toByteArray();
    }
  }

  /**
   * Encodes a tagged COSE_Sign1 message; the unprotected header is empty or holds a {@code kid}
   * (our tokens put the kid in the protected header; other producers may not).
   */
  static byte[] encode(
      byte[] protectedBytes, Optional<byte[]> unprotectedKid, byte[] payload, byte[] signature) {
    try (CborEncoder e =
        new CborEncoder(protectedBytes.length + payload.length + signature.length + 16)) {
      e.tag(TAG).array(4).bytes(protectedBytes);
      if (unprotectedKid.isPresent()) {
        e.map(1).key(HEADER_KID).bytes(unprotectedKid.get()).endMap();
      } else {
        e.map(0).endMap();
      }
      return e.bytes(payload).bytes(signature).endArray().toByteArray();
    }
  }

  /** The header value for {@code label}, protected header only. */
  Optional<Object> protectedValue(long label) {
    return Optional.ofNullable(protectedHeader.get(label));
  }
}
