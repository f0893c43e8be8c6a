package dev.telltale.key;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Watermark keys with one primary (used to embed); older keys stay for detection after a rotation.
 */
public final class KeySet {
  private final KeyId primary;
  private final List<WatermarkKey> keys;

  private KeySet(KeyId primary, List<WatermarkKey> keys) {
    this.primary = Objects.requireNonNull(primary, "primary");
    this.keys = List.copyOf(keys);
    if (this.keys.isEmpty()) {
      throw new IllegalArgumentException("a key set needs at least one key");
    }
    long distinct = this.keys.stream().map(WatermarkKey::id).distinct().count();
    if (distinct != this.keys.size()) {
      throw new IllegalArgumentException("key ids in a key set must be distinct");
    }
    if (this.keys.stream().noneMatch(k -> k.id().equals(primary))) {
      throw new IllegalArgumentException("primary key '" + primary + "' is not in the key set");
    }
  }

  public static KeySet of(KeyId primary, List<WatermarkKey> keys) {
    return new KeySet(primary, keys);
  }

  public static KeySet single(WatermarkKey key) {
    return new KeySet(key.id(), List.of(key));
  }

  public WatermarkKey primary() {
    return get(primary).orElseThrow();
  }

  public KeyId primaryId() {
    return primary;
  }

  /** All keys, primary included, in insertion order. */
  public List<WatermarkKey> keys() {
    return keys;
  }

  public Optional<WatermarkKey> get(KeyId id) {
    return keys.stream().filter(k -> k.id().equals(id)).findFirst();
  }

  /** A new key set whose primary is {@code next}; the current keys remain for detection. */
  public KeySet rotate(WatermarkKey next) {
    List<WatermarkKey> all = new ArrayList<>(keys);
    all.add(next);
    return new KeySet(next.id(), Collections.unmodifiableList(all));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeySet s && primary.equals(s.primary) && keys.equals(s.keys);
  }

  @Override
  public int hashCode() {
    return Objects.hash(primary, keys);
  }

  @Override
  public String toString() {
    return "KeySet[primary="
        + primary
        + ", keys="
        + keys.stream().map(WatermarkKey::id).toList()
        + "]";
  }
}
