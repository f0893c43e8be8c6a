package dev.telltale.provenance;

import dev.telltale.key.KeyPurpose;
import dev.telltale.key.SecretAccess;
import dev.telltale.key.WatermarkKey;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Turns a real account id into the pseudonym a provenance token carries: HMAC-SHA256 under the
 * watermark key's {@link KeyPurpose#ACCOUNT_PSEUDONYM} subkey. Whoever holds the key set (the
 * provider) can recompute it for a suspect account; a token holder learns nothing about the id.
 */
public final class AccountPseudonym {
  private AccountPseudonym() {}

  /** Lower-case hex HMAC-SHA256 of the UTF-8 of {@code accountId}. */
  public static String of(WatermarkKey key, String accountId) {
    if (accountId == null || accountId.isEmpty()) {
      throw new IllegalArgumentException("account id must not be empty");
    }
    byte[] subkey = key.subkey(KeyPurpose.ACCOUNT_PSEUDONYM, SecretAccess.get());
    try {
      HMac mac = new HMac(new SHA256Digest());
      mac.init(new KeyParameter(subkey));
      byte[] in = accountId.getBytes(StandardCharsets.UTF_8);
      mac.update(in, 0, in.length);
      byte[] out = new byte[mac.getMacSize()];
      mac.doFinal(out, 0);
      return HexFormat.of().formatHex(out);
    } finally {
      Arrays.fill(subkey, (byte) 0);
    }
  }
}
