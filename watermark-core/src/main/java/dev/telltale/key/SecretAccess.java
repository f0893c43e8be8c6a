package dev.telltale.key;

/**
 * The explicit permission to read raw secret bytes. Every place that reads key material passes
 * {@link #get()}, so {@code grep SecretAccess.get} lists them all.
 */
public final class SecretAccess {
  private static final SecretAccess INSTANCE = new SecretAccess();

  private SecretAccess() {}

  /** Returns the access token; call sites are audited by searching for this method. */
  public static SecretAccess get() {
    return INSTANCE;
  }
}
