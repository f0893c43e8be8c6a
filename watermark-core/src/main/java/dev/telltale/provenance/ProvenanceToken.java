package dev.telltale.provenance;

import dev.telltale.key.KeyId;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * A signed provenance token: the COSE_Sign1 bytes, with the key id and claims they carry. Sent out
 * of band as {@link #toBase64Url()} (an HTTP header or JSON field) or in the text through {@link
 * TextCarrier}.
 */
public final class ProvenanceToken {
  private final byte[] encoded;
  private final KeyId kid;
  private final ProvenanceClaims claims;

  ProvenanceToken(byte[] encoded, KeyId kid, ProvenanceClaims claims) {
    this.encoded = encoded.clone();
    this.kid = Objects.requireNonNull(kid);
    this.claims = Objects.requireNonNull(claims);
  }

  /** A copy of the COSE_Sign1 bytes. */
  public byte[] bytes() {
    return encoded.clone();
  }

  public int size() {
    return encoded.length;
  }

  public KeyId kid() {
    return kid;
  }

  public ProvenanceClaims claims() {
    return claims;
  }

  /** Unpadded base64url (RFC 4648 section 5) of the bytes. */
  public String toBase64Url() {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(encoded);
  }

  /** Decodes unpadded base64url; empty when {@code text} is not that. */
  public static Optional<byte[]> decodeBase64Url(String text) {
    String t = text.strip();
    if (t.isEmpty() || t.indexOf('=') >= 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(Base64.getUrlDecoder().decode(t));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProvenanceToken t && Arrays.equals(encoded, t.encoded);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(encoded);
  }

  @Override
  public String toString() {
    return "ProvenanceToken[kid=" + kid + ", " + encoded.length + " bytes]";
  }
}
