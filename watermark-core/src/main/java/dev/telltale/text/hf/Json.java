package dev.telltale.text.hf;

import com.fasterxml.jackson.databind.JsonNode;

/** Strict accessors for the small sections of a {@code tokenizer.json}. */
final class Json {
  private Json() {}

  static String text(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new UnsupportedTokenizerException(where + ": missing or non-string '" + field + "'");
    }
    return value.asText();
  }

  static boolean flag(JsonNode node, String field, boolean absent) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return absent;
    }
    if (!value.isBoolean()) {
      throw new UnsupportedTokenizerException("'" + field + "' is not a boolean");
    }
    return value.asBoolean();
  }

  static Iterable<JsonNode> array(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null || !value.isArray()) {
      throw new UnsupportedTokenizerException(where + ": missing or non-array '" + field + "'");
    }
    return value;
  }

  /** The literal of a {@code {"String": …}} pattern; regex patterns are refused. */
  static String stringPattern(JsonNode node, String where) {
    JsonNode pattern = node.get("pattern");
    if (pattern == null || !pattern.isObject()) {
      throw new UnsupportedTokenizerException(where + ": missing 'pattern'");
    }
    JsonNode literal = pattern.get("String");
    if (literal == null || !literal.isTextual()) {
      throw new UnsupportedTokenizerException(where + ": only String patterns are supported");
    }
    return literal.asText();
  }
}
