package dev.telltale.key;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.scheme.PayloadParameters;
import dev.telltale.scheme.VllmParameters;
import dev.telltale.scheme.WatermarkParameters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and writes key set files: JSON, owner-only permissions. A file that group or others may
 * read is refused, as is any malformed content; errors name the field, never secret bytes.
 *
 * <pre>{@code
 * {"format":"telltale-keyset","version":1,"primary":"wm-1",
 *  "watermark_keys":[{"id":"wm-1","created":"2026-01-01T00:00:00Z","scheme":"kgw",
 *    "gamma":0.25,"delta":2.0,"context_width":2,"self_hash":false,"secret":"<base64url>"}],
 *  "primary_signing_key":"sig-1",
 *  "signing_keys":[{"id":"sig-1","created":"2026-01-01T00:00:00Z","algorithm":"Ed25519",
 *    "status":"active","seed":"<base64url>"}]}
 * }</pre>
 *
 * <p>The signing key entries (Ed25519 seeds for provenance tokens) are optional; files without them
 * load as key sets without signing keys.
 *
 * <p>A kgw key may add an account payload layer: {@code "payload_bits":24} (1..32), optionally with
 * {@code "payload_symbol_bits"} (dividing the bits; default 8, or the largest divisor below 8) and
 * {@code "payload_delta"} (default 4.0).
 *
 * <p>A kgw or gumbel key may declare robust contexts: {@code "robust_context":true} (tokens with no
 * letter or digit never enter a context and are not scored; {@code dev.telltale.text.ContextSkip}).
 * Absent means false, and a key without it is written without the field, so older files read and
 * write back unchanged.
 *
 * <p>vLLM keys ({@code "scheme":"vllm-gumbel"}, {@code vllm-dual-key-gumbel}, {@code vllm-sbw})
 * carry vLLM's configuration in a {@code "vllm"} object and vLLM's 64-bit key as a decimal string
 * {@code "key"}; see {@link VllmKeyEntries}.
 */
public final class KeySetFile {
  public static final String FORMAT = "telltale-keyset";
  public static final int VERSION = 1;
  static final long MAX_FILE_BYTES = 1 << 20;

  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(SerializationFeature.INDENT_OUTPUT);
  private static final Set<PosixFilePermission> GROUP_OR_OTHER =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  private KeySetFile() {}

  /** Reads a key set file, checking its permissions first. */
  public static KeySet read(Path path) throws KeyFileException {
    checkPermissions(path);
    byte[] bytes;
    try {
      long size = Files.size(path);
      if (size > MAX_FILE_BYTES) {
        throw new KeyFileException(
            "key file '" + path + "' is " + size + " bytes; a key file is at most 1 MiB");
      }
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new KeyFileException("key file '" + path + "' does not exist");
    } catch (IOException e) {
      throw new KeyFileException("cannot read key file '" + path + "': " + e.getMessage(), e);
    }
    return parse(bytes, path.toString());
  }

  /**
   * The tokenizer the key set at {@code path} was made for, if its file records one ({@link
   * TokenizerBinding}); the file is checked as {@link #read} does.
   */
  public static Optional<TokenizerBinding> tokenizer(Path path) throws KeyFileException {
    read(path);
    try {
      return TokenizerBinding.read(
          MAPPER.readTree(Files.readAllBytes(path)), "key file '" + path + "'");
    } catch (IOException e) {
      throw new KeyFileException("cannot read key file '" + path + "': " + e.getMessage(), e);
    }
  }

  /** Parses key set JSON; {@code source} names it in error messages. */
  public static KeySet parse(byte[] json, String source) throws KeyFileException {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new KeyFileException(
          "key file '" + source + "' is not valid JSON (line " + line(e) + ")");
    } catch (IOException e) {
      throw new KeyFileException("key file '" + source + "' cannot be parsed", e);
    }
    if (root == null || !root.isObject()) {
      throw new KeyFileException("key file '" + source + "' must hold a JSON object");
    }
    String at = "key file '" + source + "'";
    String format = text(root, "format", at);
    if (!FORMAT.equals(format)) {
      throw new KeyFileException(
          "key file '" + source + "' has format '" + clip(format) + "', expected '" + FORMAT + "'");
    }
    int version = integer(root, "version", at);
    if (version != VERSION) {
      throw new KeyFileException(
          "key file '" + source + "' has version " + version + "; this build reads " + VERSION);
    }
    KeyId primary = keyId(text(root, "primary", at), "primary", at);
    JsonNode keys = root.get("watermark_keys");
    if (keys == null || !keys.isArray() || keys.isEmpty()) {
      throw new KeyFileException(
          "key file '" + source + "' needs a non-empty 'watermark_keys' array");
    }
    List<WatermarkKey> out = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      out.add(parseKey(keys.get(i), at + " watermark_keys[" + i + "]"));
    }
    try {
      return SigningKeyEntries.read(root, KeySet.of(primary, out), at);
    } catch (IllegalArgumentException e) {
      throw new KeyFileException("key file '" + source + "': " + e.getMessage());
    }
  }

  private static WatermarkKey parseKey(JsonNode node, String at) throws KeyFileException {
    String where = at;
    if (!node.isObject()) {
      throw new KeyFileException(at + " must be an object");
    }
    if (VllmKeyEntries.isVllmEntry(node)) {
      return VllmKeyEntries.parse(node, at);
    }
    Set<String> allowed =
        Set.of(
            "id",
            "created",
            "scheme",
            "gamma",
            "delta",
            "context_width",
            "self_hash",
            "secret",
            "payload_bits",
            "payload_symbol_bits",
            "payload_delta",
            "robust_context");
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw new KeyFileException(at + " has unknown field '" + clip(f) + "'");
      }
    }
    KeyId id = keyId(text(node, "id", where), "id", where);
    Instant created;
    try {
      created = Instant.parse(text(node, "created", where));
    } catch (DateTimeParseException e) {
      throw new KeyFileException(at + " has a 'created' that is not an ISO-8601 instant");
    }
    String scheme = text(node, "scheme", where);
    WatermarkParameters parameters;
    boolean robust = node.has("robust_context") && bool(node, "robust_context", where);
    try {
      int h = integer(node, "context_width", where);
      parameters =
          switch (scheme) {
            case "kgw" ->
                new GreenListParameters(
                    number(node, "gamma", where),
                    number(node, "delta", where),
                    h,
                    node.has("self_hash") && bool(node, "self_hash", where),
                    payload(node, where),
                    robust);
            case "gumbel" -> {
              for (String f :
                  List.of(
                      "gamma",
                      "delta",
                      "self_hash",
                      "payload_bits",
                      "payload_symbol_bits",
                      "payload_delta")) {
                if (node.has(f)) {
                  throw new KeyFileException(
                      at + " has '" + f + "', which a gumbel key does not use");
                }
              }
              yield new GumbelParameters(h, robust);
            }
            default ->
                throw new KeyFileException(
                    at + " has unknown scheme '" + clip(scheme) + "' (expected kgw or gumbel)");
          };
    } catch (IllegalArgumentException e) {
      throw new KeyFileException(at + ": " + e.getMessage());
    }
    byte[] secret;
    try {
      secret = Base64.getUrlDecoder().decode(text(node, "secret", where));
    } catch (IllegalArgumentException e) {
      throw new KeyFileException(at + " has a 'secret' that is not base64url");
    }
    if (secret.length != WatermarkKey.SECRET_LENGTH) {
      throw new KeyFileException(
          at
              + " has a secret of "
              + secret.length
              + " bytes; watermark secrets are "
              + WatermarkKey.SECRET_LENGTH
              + " bytes");
    }
    SecretBytes s = SecretBytes.copyOf(secret, SecretAccess.get());
    Arrays.fill(secret, (byte) 0);
    return WatermarkKey.of(id, parameters, s, created);
  }

  // Optional account payload of a kgw key: absent payload_bits means no payload layer; the other
  // two fields need payload_bits and default as in PayloadParameters.ofBits.
  private static Optional<PayloadParameters> payload(JsonNode node, String where)
      throws KeyFileException {
    if (!node.has("payload_bits")) {
      for (String f : List.of("payload_symbol_bits", "payload_delta")) {
        if (node.has(f)) {
          throw new KeyFileException(where + " has '" + f + "' without 'payload_bits'");
        }
      }
      return Optional.empty();
    }
    PayloadParameters d = PayloadParameters.ofBits(integer(node, "payload_bits", where));
    int symbolBits =
        node.has("payload_symbol_bits")
            ? integer(node, "payload_symbol_bits", where)
            : d.symbolBits();
    double delta = node.has("payload_delta") ? number(node, "payload_delta", where) : d.delta();
    return Optional.of(new PayloadParameters(d.bits(), symbolBits, delta));
  }

  /** Serializes a key set; the result holds secrets and must be stored owner-only. */
  public static byte[] serialize(KeySet keySet) {
    return serialize(keySet, Optional.empty());
  }

  /** Serializes a key set with the tokenizer it is made for, if any. */
  public static byte[] serialize(KeySet keySet, Optional<TokenizerBinding> tokenizer) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format", FORMAT);
    root.put("version", VERSION);
    root.put("primary", keySet.primaryId().value());
    ArrayNode keys = root.putArray("watermark_keys");
    for (WatermarkKey k : keySet.keys()) {
      ObjectNode n = keys.addObject();
      n.put("id", k.id().value());
      n.put("created", k.created().toString());
      n.put("scheme", k.parameters().schemeName());
      if (k.parameters() instanceof VllmParameters) {
        VllmKeyEntries.write(n, k);
        continue;
      }
      n.put("context_width", k.parameters().contextWidth());
      if (k.parameters() instanceof GreenListParameters g) {
        n.put("gamma", g.gamma());
        n.put("delta", g.delta());
        n.put("self_hash", g.selfHash());
        g.payload()
            .ifPresent(
                p -> {
                  n.put("payload_bits", p.bits());
                  n.put("payload_symbol_bits", p.symbolBits());
                  n.put("payload_delta", p.delta());
                });
      }
      if (k.parameters().robustContext()) {
        n.put("robust_context", true);
      }
      n.put(
          "secret",
          Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString(k.secret().toByteArray(SecretAccess.get())));
    }
    SigningKeyEntries.write(root, keySet);
    tokenizer.ifPresent(t -> t.write(root));
    try {
      return (MAPPER.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize key set", e);
    }
  }

  /**
   * Writes a key set with owner-only permissions, atomically. Refuses to replace an existing file
   * unless {@code replace} is set.
   */
  public static void write(Path path, KeySet keySet, boolean replace) throws KeyFileException {
    write(path, keySet, replace, Optional.empty());
  }

  /** As {@link #write(Path, KeySet, boolean)}, recording the tokenizer the keys are made for. */
  public static void write(
      Path path, KeySet keySet, boolean replace, Optional<TokenizerBinding> tokenizer)
      throws KeyFileException {
    Path target = path.toAbsolutePath();
    if (!replace && Files.exists(target)) {
      throw new KeyFileException("key file '" + path + "' already exists; refusing to overwrite");
    }
    Path dir = target.getParent();
    try {
      Files.createDirectories(dir);
      Path tmp;
      if (isPosix(dir)) {
        tmp =
            Files.createTempFile(
                dir,
                ".keyset",
                ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } else {
        tmp = Files.createTempFile(dir, ".keyset", ".tmp");
      }
      try {
        Files.write(tmp, serialize(keySet, tokenizer));
        try {
          if (replace) {
            Files.move(
                tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
          } else {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
          }
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (FileAlreadyExistsException e) {
      throw new KeyFileException("key file '" + path + "' already exists; refusing to overwrite");
    } catch (IOException e) {
      throw new KeyFileException("cannot write key file '" + path + "': " + e.getMessage(), e);
    }
  }

  private static void checkPermissions(Path path) throws KeyFileException {
    if (!Files.exists(path)) {
      throw new KeyFileException("key file '" + path + "' does not exist");
    }
    if (!isPosix(path)) {
      return;
    }
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path);
      if (perms.stream().anyMatch(GROUP_OR_OTHER::contains)) {
        throw new KeyFileException(
            "key file '"
                + path
                + "' is accessible by group or others (mode "
                + PosixFilePermissions.toString(perms)
                + "); restrict it with: chmod 600 "
                + path);
      }
    } catch (IOException e) {
      throw new KeyFileException("cannot read permissions of key file '" + path + "'", e);
    }
  }

  private static boolean isPosix(Path p) {
    return Files.getFileAttributeView(p, PosixFileAttributeView.class) != null;
  }

  static String text(JsonNode node, String field, String where) throws KeyFileException {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw new KeyFileException(where + " needs a string field '" + field + "'");
    }
    return v.textValue();
  }

  private static int integer(JsonNode node, String field, String where) throws KeyFileException {
    JsonNode v = node.get(field);
    if (v == null || !v.isInt()) {
      throw new KeyFileException(where + " needs an integer field '" + field + "'");
    }
    return v.intValue();
  }

  private static double number(JsonNode node, String field, String where) throws KeyFileException {
    JsonNode v = node.get(field);
    if (v == null || !v.isNumber()) {
      throw new KeyFileException(where + " needs a number field '" + field + "'");
    }
    return v.doubleValue();
  }

  private static boolean bool(JsonNode node, String field, String where) throws KeyFileException {
    JsonNode v = node.get(field);
    if (v == null || !v.isBoolean()) {
      throw new KeyFileException(where + " needs a boolean field '" + field + "'");
    }
    return v.booleanValue();
  }

  static KeyId keyId(String value, String field, String where) throws KeyFileException {
    try {
      return KeyId.of(value);
    } catch (IllegalArgumentException e) {
      throw new KeyFileException(where + " field '" + field + "': " + e.getMessage());
    }
  }

  private static long line(JsonProcessingException e) {
    return e.getLocation() == null ? -1 : e.getLocation().getLineNr();
  }

  static String clip(String s) {
    String c = s.length() > 40 ? s.substring(0, 40) + "…" : s;
    return c.replaceAll("\\p{Cntrl}", "?");
  }
}
