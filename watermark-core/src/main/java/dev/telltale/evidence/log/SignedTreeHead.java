package dev.telltale.evidence.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.evidence.EnvelopeReader;
import dev.telltale.evidence.EnvelopeSigner;
import dev.telltale.evidence.EvidenceFormatException;
import dev.telltale.evidence.EvidenceVerification;
import dev.telltale.evidence.EvidenceVerification.Reason;
import dev.telltale.key.KeyId;
import dev.telltale.key.VerificationKey;
import dev.telltale.provenance.PublicKeySet;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * A signed tree head: the log's size, root hash and time, signed with Ed25519 by {@code keyId}. The
 * signature covers {@link #signedBytes}: the ASCII label {@code telltale/v1/tree-head}, a zero
 * byte, tree size (8 bytes big-endian), timestamp in milliseconds since the epoch (8 bytes
 * big-endian), the 32-byte root, the key id's length (1 byte) and its ASCII bytes.
 *
 * <pre>{@code
 * {"key_id":"sig-1","root_hash":"<hex>","signature":"<base64>",
 *  "timestamp":"2026-11-23T22:40:00.123Z","tree_size":42}
 * }</pre>
 */
public record SignedTreeHead(
    long treeSize, byte[] rootHash, Instant timestamp, String keyId, byte[] signature) {
  static final byte[] LABEL = "telltale/v1/tree-head".getBytes(StandardCharsets.US_ASCII);

  public SignedTreeHead {
    if (treeSize < 0) {
      throw new IllegalArgumentException("negative tree size");
    }
    if (rootHash.length != MerkleHash.SIZE) {
      throw new IllegalArgumentException("a root hash is 32 bytes");
    }
    rootHash = rootHash.clone();
    Objects.requireNonNull(timestamp, "timestamp");
    if (!timestamp.truncatedTo(ChronoUnit.MILLIS).equals(timestamp)) {
      throw new IllegalArgumentException("tree head timestamps are whole milliseconds");
    }
    KeyId.of(keyId);
    signature = signature.clone();
  }

  /** Signs a head for {@code (treeSize, rootHash)} at {@code time} (truncated to milliseconds). */
  public static SignedTreeHead sign(
      long treeSize, byte[] rootHash, Instant time, EnvelopeSigner signer) {
    Instant t = time.truncatedTo(ChronoUnit.MILLIS);
    byte[] sig = signer.signBytes(signedBytes(treeSize, rootHash, t, signer.keyId()));
    return new SignedTreeHead(treeSize, rootHash, t, signer.keyId(), sig);
  }

  @Override
  public byte[] rootHash() {
    return rootHash.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  public static byte[] signedBytes(long treeSize, byte[] root, Instant time, String keyId) {
    byte[] kid = keyId.getBytes(StandardCharsets.US_ASCII);
    ByteBuffer b = ByteBuffer.allocate(LABEL.length + 1 + 16 + root.length + 1 + kid.length);
    b.put(LABEL).put((byte) 0).putLong(treeSize).putLong(time.toEpochMilli()).put(root);
    b.put((byte) kid.length).put(kid);
    return b.array();
  }

  /** VALID, UNKNOWN_KEY or BAD_SIGNATURE. */
  public EvidenceVerification verify(PublicKeySet keys) {
    Optional<VerificationKey> key = keys.find(KeyId.of(keyId));
    if (key.isEmpty()) {
      return new EvidenceVerification(
          Reason.UNKNOWN_KEY,
          Optional.of(keyId),
          Optional.empty(),
          "the tree head is signed by '" + keyId + "', which is not published");
    }
    byte[] msg = signedBytes(treeSize, rootHash, timestamp, keyId);
    boolean ok =
        signature.length == Ed25519.SIGNATURE_SIZE
            && key.get()
                .parameters()
                .verify(Ed25519.Algorithm.Ed25519, null, msg, 0, msg.length, signature, 0);
    return new EvidenceVerification(
        ok ? Reason.VALID : Reason.BAD_SIGNATURE,
        Optional.of(keyId),
        Optional.empty(),
        ok
            ? "tree head of size " + treeSize + " signed by " + keyId
            : "the tree head signature does not verify");
  }

  public ObjectNode toJson() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("tree_size", treeSize);
    n.put("root_hash", HexFormat.of().formatHex(rootHash));
    n.put("timestamp", timestamp.toString());
    n.put("key_id", keyId);
    n.put("signature", Base64.getEncoder().encodeToString(signature));
    return n;
  }

  public static SignedTreeHead fromJson(JsonNode n) throws EvidenceFormatException {
    ProofJson.members(n, "tree head", "tree_size", "root_hash", "timestamp", "key_id", "signature");
    try {
      return new SignedTreeHead(
          ProofJson.nonNegative(n, "tree_size"),
          ProofJson.hash(ProofJson.text(n, "root_hash"), "root_hash"),
          Instant.parse(ProofJson.text(n, "timestamp")),
          ProofJson.text(n, "key_id"),
          EnvelopeReader.base64(ProofJson.text(n, "signature"), "tree head signature"));
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw new EvidenceFormatException("tree head: " + e.getMessage());
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SignedTreeHead h
        && treeSize == h.treeSize
        && Arrays.equals(rootHash, h.rootHash)
        && timestamp.equals(h.timestamp)
        && keyId.equals(h.keyId)
        && Arrays.equals(signature, h.signature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(treeSize, Arrays.hashCode(rootHash), timestamp, keyId);
  }

  @Override
  public String toString() {
    return "SignedTreeHead[size="
        + treeSize
        + ", root="
        + HexFormat.of().formatHex(rootHash)
        + ", time="
        + timestamp
        + ", key="
        + keyId
        + "]";
  }
}
