package dev.telltale.key;

/** What a derived subkey is for; each purpose gets an independent HKDF output. */
public enum KeyPurpose {
  /** SipHash-2-4 key for the context seed of the watermark PRF (16 bytes). */
  CONTEXT_SEED("telltale/v1/context-seed", 16),
  /** Key for the account payload layer (32 bytes). */
  PAYLOAD("telltale/v1/payload", 32),
  /** Key for the public commitment to a watermark key (32 bytes). */
  COMMITMENT("telltale/v1/commitment", 32),
  /** HMAC-SHA256 key that turns a real account id into the pseudonym of a provenance token. */
  ACCOUNT_PSEUDONYM("telltale/v1/account-pseudonym", 32);

  private final String info;
  private final int length;

  KeyPurpose(String info, int length) {
    this.info = info;
    this.length = length;
  }

  public String info() {
    return info;
  }

  public int length() {
    return length;
  }
}
