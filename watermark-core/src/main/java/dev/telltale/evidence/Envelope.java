package dev.telltale.evidence;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A DSSE envelope (v1): payload type, payload bytes and signatures over the pre-authentication
 * encoding {@link #pae}. Read with {@link EnvelopeReader}, written with {@link EnvelopeWriter}.
 */
public record Envelope(String payloadType, byte[] payload, List<Signature> signatures) {
  /** The payload type of an in-toto statement. */
  public static final String IN_TOTO = "application/vnd.in-toto+json";

  /** One signature: the (unauthenticated) key id hint and the signature bytes. */
  public record Signature(String keyid, byte[] sig) {
    public Signature {
      Objects.requireNonNull(keyid, "keyid");
      sig = sig.clone();
    }

    @Override
    public byte[] sig() {
      return sig.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Signature s && keyid.equals(s.keyid) && Arrays.equals(sig, s.sig);
    }

    @Override
    public int hashCode() {
      return 31 * keyid.hashCode() + Arrays.hashCode(sig);
    }

    @Override
    public String toString() {
      return "Signature[keyid=" + keyid + ", sig=" + HexFormat.of().formatHex(sig) + "]";
    }
  }

  public Envelope {
    Objects.requireNonNull(payloadType, "payloadType");
    payload = payload.clone();
    signatures = List.copyOf(signatures);
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }

  /** DSSE v1 PAE: {@code "DSSEv1" SP len(type) SP type SP len(body) SP body}, lengths in ASCII. */
  public static byte[] pae(String payloadType, byte[] body) {
    byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
    byte[] head =
        ("DSSEv1 " + type.length + " " + payloadType + " " + body.length + " ")
            .getBytes(StandardCharsets.UTF_8);
    byte[] out = Arrays.copyOf(head, head.length + body.length);
    System.arraycopy(body, 0, out, head.length, body.length);
    return out;
  }

  /** The bytes the signatures cover. */
  public byte[] pae() {
    return pae(payloadType, payload);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Envelope e
        && payloadType.equals(e.payloadType)
        && Arrays.equals(payload, e.payload)
        && signatures.equals(e.signatures);
  }

  @Override
  public int hashCode() {
    return Objects.hash(payloadType, Arrays.hashCode(payload), signatures);
  }

  @Override
  public String toString() {
    return "Envelope[payloadType="
        + payloadType
        + ", payload="
        + payload.length
        + " bytes, signatures="
        + signatures
        + "]";
  }
}
