package dev.telltale.key;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.text.Tokenizer;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The tokenizer a key set was made for ({@code keys create --tokenizer}), recorded in the key file
 * as {@code "tokenizer": {"name": …, "sha256": …}} (the SHA-256 of a {@code tokenizer.json}, empty
 * for a built-in encoding). A watermark lives in one tokenizer's ids, so detecting with another
 * tokenizer tests nothing; it is refused unless explicitly overridden. Key sets without the record
 * accept any tokenizer, as before.
 */
public record TokenizerBinding(String name, String sha256) {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}|");

  public TokenizerBinding {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("tokenizer name must not be blank");
    }
    if (sha256 == null || !SHA256.matcher(sha256).matches()) {
      throw new IllegalArgumentException("tokenizer sha256 must be 64 lowercase hex digits");
    }
  }

  /** The binding of {@code tokenizer}. */
  public static TokenizerBinding of(Tokenizer tokenizer) {
    return new TokenizerBinding(tokenizer.name(), tokenizer.fileSha256().orElse(""));
  }

  /**
   * Whether {@code tokenizer} is the recorded one: the same file content for a {@code
   * tokenizer.json} (wherever it now lies), the same name for a built-in encoding.
   */
  public boolean matches(Tokenizer tokenizer) {
    return sha256.isEmpty()
        ? tokenizer.fileSha256().isEmpty() && tokenizer.name().equals(name)
        : tokenizer.fileSha256().map(sha256::equals).orElse(false);
  }

  /** A sentence saying why {@code tokenizer} is not the recorded one. */
  public String mismatch(Tokenizer tokenizer) {
    return "the key set was made for tokenizer "
        + describe(name, sha256)
        + ", not "
        + describe(tokenizer.name(), tokenizer.fileSha256().orElse(""));
  }

  private static String describe(String name, String sha) {
    return "'" + name + "'" + (sha.isEmpty() ? "" : " (sha256 " + sha + ")");
  }

  static Optional<TokenizerBinding> read(JsonNode root, String where) throws KeyFileException {
    JsonNode t = root.get("tokenizer");
    if (t == null || t.isNull()) {
      return Optional.empty();
    }
    if (!t.isObject() || !t.path("name").isTextual() || !t.path("sha256").isTextual()) {
      throw new KeyFileException(where + ": 'tokenizer' must be {\"name\": …, \"sha256\": …}");
    }
    try {
      return Optional.of(new TokenizerBinding(t.get("name").asText(), t.get("sha256").asText()));
    } catch (IllegalArgumentException e) {
      throw new KeyFileException(where + ": tokenizer: " + e.getMessage());
    }
  }

  void write(ObjectNode root) {
    ObjectNode t = root.putObject("tokenizer");
    t.put("name", name);
    t.put("sha256", sha256);
  }
}
