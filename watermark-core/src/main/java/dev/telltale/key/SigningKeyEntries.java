package dev.telltale.key;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The signing key part of a key set file: {@code "primary_signing_key"} and {@code
 * "signing_keys":[{"id","created","algorithm":"Ed25519","status":"active"|"retired","seed"}]}. Kept
 * apart from {@link KeySetFile} so the watermark key format and this one evolve separately.
 */
final class SigningKeyEntries {
  private SigningKeyEntries() {}

  /**
   * Reads the optional {@code signing_keys} section (Ed25519 seeds for provenance tokens) and its
   * {@code primary_signing_key}; files written before it existed load without signing keys.
   */
  static KeySet read(JsonNode root, KeySet set, String at) throws KeyFileException {
    JsonNode keys = root.get("signing_keys");
    if (keys == null) {
      if (root.has("primary_signing_key")) {
        throw new KeyFileException(at + " has 'primary_signing_key' but no 'signing_keys'");
      }
      return set;
    }
    if (!keys.isArray() || keys.isEmpty()) {
      throw new KeyFileException(at + " needs 'signing_keys' to be a non-empty array");
    }
    KeyId primary =
        KeySetFile.keyId(
            KeySetFile.text(root, "primary_signing_key", at), "primary_signing_key", at);
    List<SigningKey> out = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      out.add(parseEntry(keys.get(i), at + " signing_keys[" + i + "]"));
    }
    return set.withSigningKeys(primary, out);
  }

  private static SigningKey parseEntry(JsonNode node, String at) throws KeyFileException {
    if (!node.isObject()) {
      throw new KeyFileException(at + " must be an object");
    }
    Set<String> allowed = Set.of("id", "created", "algorithm", "status", "seed");
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw new KeyFileException(at + " has unknown field '" + KeySetFile.clip(f) + "'");
      }
    }
    KeyId id = KeySetFile.keyId(KeySetFile.text(node, "id", at), "id", at);
    Instant created;
    try {
      created = Instant.parse(KeySetFile.text(node, "created", at));
    } catch (DateTimeParseException e) {
      throw new KeyFileException(at + " has a 'created' that is not an ISO-8601 instant");
    }
    String algorithm = KeySetFile.text(node, "algorithm", at);
    if (!SigningKey.ALGORITHM.equals(algorithm)) {
      throw new KeyFileException(
          at + " has algorithm '" + KeySetFile.clip(algorithm) + "'; only Ed25519 is supported");
    }
    String statusLabel = KeySetFile.text(node, "status", at);
    SigningKeyStatus status =
        SigningKeyStatus.fromLabel(statusLabel)
            .orElseThrow(
                () ->
                    new KeyFileException(
                        at
                            + " has status '"
                            + KeySetFile.clip(statusLabel)
                            + "' (expected active or retired)"));
    byte[] seed;
    try {
      seed = Base64.getUrlDecoder().decode(KeySetFile.text(node, "seed", at));
    } catch (IllegalArgumentException e) {
      throw new KeyFileException(at + " has a 'seed' that is not base64url");
    }
    try {
      if (seed.length != SigningKey.SEED_LENGTH) {
        throw new KeyFileException(
            at
                + " has a seed of "
                + seed.length
                + " bytes; Ed25519 seeds are "
                + SigningKey.SEED_LENGTH
                + " bytes");
      }
      return SigningKey.of(id, created, status, SecretBytes.copyOf(seed, SecretAccess.get()));
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  static void write(ObjectNode root, KeySet keySet) {
    if (keySet.primarySigningKey().isEmpty()) {
      return;
    }
    root.put("primary_signing_key", keySet.primarySigningKey().get().id().value());
    ArrayNode keys = root.putArray("signing_keys");
    for (SigningKey k : keySet.signingKeys()) {
      ObjectNode n = keys.addObject();
      n.put("id", k.id().value());
      n.put("created", k.created().toString());
      n.put("algorithm", SigningKey.ALGORITHM);
      n.put("status", k.status().label());
      n.put(
          "seed",
          Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString(k.seed().toByteArray(SecretAccess.get())));
    }
  }
}
