package dev.telltale.key;

import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/** HKDF-SHA256 (RFC 5869) through Bouncy Castle. */
final class Hkdf {
  static final byte[] SALT = "telltale/v1".getBytes(StandardCharsets.US_ASCII);

  private Hkdf() {}

  static byte[] derive(byte[] ikm, String info, int length) {
    HKDFBytesGenerator gen = new HKDFBytesGenerator(new SHA256Digest());
    gen.init(new HKDFParameters(ikm, SALT, info.getBytes(StandardCharsets.UTF_8)));
    byte[] out = new byte[length];
    gen.generateBytes(out, 0, length);
    return out;
  }
}
