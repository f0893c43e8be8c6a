package dev.telltale.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a JSON value against a schema of the served OpenAPI document, so that the document is what
 * validates requests. Covers the JSON Schema subset the document uses: {@code type}, {@code
 * properties}, {@code required}, {@code additionalProperties: false}, {@code enum}, {@code
 * minLength}/{@code maxLength}, {@code minimum}/{@code maximum}, {@code exclusiveMinimum}/{@code
 * exclusiveMaximum}, {@code minItems}/{@code maxItems}, {@code items}, {@code oneOf} of required
 * sets. A keyword outside this subset fails loudly when the document is loaded.
 */
public final class RequestSchema {
  private static final Set<String> KEYWORDS =
      Set.of(
          "type",
          "properties",
          "required",
          "additionalProperties",
          "enum",
          "minLength",
          "maxLength",
          "minimum",
          "maximum",
          "exclusiveMinimum",
          "exclusiveMaximum",
          "minItems",
          "maxItems",
          "items",
          "oneOf",
          "description",
          "format",
          "example");

  private final JsonNode schema;

  public RequestSchema(JsonNode schema) {
    checkKeywords(schema, "#");
    this.schema = schema;
  }

  /** The body parsed strictly and checked against this schema; a 400 problem otherwise. */
  public JsonNode validated(io.vertx.core.buffer.Buffer raw) {
    JsonNode n = JsonBody.parse(raw);
    violation(n)
        .ifPresent(
            v -> {
              throw ProblemException.badRequest("schema-violation", v);
            });
    return n;
  }

  /** The first violation, as a one-line message naming the JSON path; empty when valid. */
  public Optional<String> violation(JsonNode value) {
    return check(schema, value, "$");
  }

  private static void checkKeywords(JsonNode s, String at) {
    Iterator<String> names = s.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!KEYWORDS.contains(n)) {
        throw new IllegalArgumentException("unsupported schema keyword '" + n + "' at " + at);
      }
    }
    if (s.has("properties")) {
      s.get("properties")
          .fields()
          .forEachRemaining(e -> checkKeywords(e.getValue(), at + "/" + e.getKey()));
    }
    if (s.has("items")) {
      checkKeywords(s.get("items"), at + "/items");
    }
    if (s.has("oneOf")) {
      s.get("oneOf").forEach(o -> checkKeywords(o, at + "/oneOf"));
    }
  }

  private static Optional<String> check(JsonNode s, JsonNode v, String path) {
    if (s.has("type") && !hasType(v, s.get("type").asText())) {
      return Optional.of(path + " must be " + article(s.get("type").asText()));
    }
    if (s.has("enum")) {
      boolean found = false;
      for (JsonNode e : s.get("enum")) {
        found |= e.equals(v);
      }
      if (!found) {
        return Optional.of(path + " must be one of " + s.get("enum"));
      }
    }
    if (v.isTextual() && (s.has("minLength") || s.has("maxLength"))) {
      String text = v.asText();
      // Code points number between length/2 and length: count them only when that decides.
      boolean decided =
          (!s.has("minLength") || text.length() / 2 >= s.get("minLength").asInt())
              && (!s.has("maxLength") || text.length() <= s.get("maxLength").asInt());
      int len = decided ? -1 : text.codePointCount(0, text.length());
      if (!decided && s.has("minLength") && len < s.get("minLength").asInt()) {
        return Optional.of(path + " must have at least " + s.get("minLength") + " characters");
      }
      if (!decided && s.has("maxLength") && len > s.get("maxLength").asInt()) {
        return Optional.of(path + " must have at most " + s.get("maxLength") + " characters");
      }
    }
    if (v.isNumber()) {
      double d = v.asDouble();
      if (s.has("minimum") && d < s.get("minimum").asDouble()) {
        return Optional.of(path + " must be at least " + s.get("minimum"));
      }
      if (s.has("maximum") && d > s.get("maximum").asDouble()) {
        return Optional.of(path + " must be at most " + s.get("maximum"));
      }
      if (s.has("exclusiveMinimum") && d <= s.get("exclusiveMinimum").asDouble()) {
        return Optional.of(path + " must be greater than " + s.get("exclusiveMinimum"));
      }
      if (s.has("exclusiveMaximum") && d >= s.get("exclusiveMaximum").asDouble()) {
        return Optional.of(path + " must be less than " + s.get("exclusiveMaximum"));
      }
    }
    if (v.isArray()) {
      if (s.has("minItems") && v.size() < s.get("minItems").asInt()) {
        return Optional.of(path + " must have at least " + s.get("minItems") + " items");
      }
      if (s.has("maxItems") && v.size() > s.get("maxItems").asInt()) {
        return Optional.of(path + " must have at most " + s.get("maxItems") + " items");
      }
      if (s.has("items")) {
        for (int i = 0; i < v.size(); i++) {
          Optional<String> bad = check(s.get("items"), v.get(i), path + "[" + i + "]");
          if (bad.isPresent()) {
            return bad;
          }
        }
      }
    }
    if (v.isObject()) {
      return checkObject(s, v, path);
    }
    return Optional.empty();
  }

  private static Optional<String> checkObject(JsonNode s, JsonNode v, String path) {
    JsonNode props = s.path("properties");
    if (s.has("required")) {
      for (JsonNode r : s.get("required")) {
        if (!v.has(r.asText())) {
          return Optional.of(path + "." + r.asText() + " is required");
        }
      }
    }
    if (s.has("additionalProperties") && !s.get("additionalProperties").asBoolean(true)) {
      Iterator<String> names = v.fieldNames();
      while (names.hasNext()) {
        String n = names.next();
        if (!props.has(n)) {
          return Optional.of(path + "." + n + " is not a known field");
        }
      }
    }
    Iterator<Map.Entry<String, JsonNode>> it = props.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (v.has(e.getKey())) {
        Optional<String> bad = check(e.getValue(), v.get(e.getKey()), path + "." + e.getKey());
        if (bad.isPresent()) {
          return bad;
        }
      }
    }
    if (s.has("oneOf")) {
      // oneOf here lists alternative required sets: exactly one must be present.
      int matches = 0;
      Set<String> names = new LinkedHashSet<>();
      for (JsonNode alt : s.get("oneOf")) {
        boolean all = true;
        for (JsonNode r : alt.path("required")) {
          names.add(r.asText());
          all &= v.has(r.asText());
        }
        matches += all ? 1 : 0;
      }
      if (matches != 1) {
        return Optional.of(path + " must have exactly one of " + String.join(", ", names));
      }
    }
    return Optional.empty();
  }

  private static boolean hasType(JsonNode v, String type) {
    return switch (type) {
      case "object" -> v.isObject();
      case "array" -> v.isArray();
      case "string" -> v.isTextual();
      case "integer" -> v.isIntegralNumber();
      case "number" -> v.isNumber();
      case "boolean" -> v.isBoolean();
      default -> throw new IllegalArgumentException("unsupported schema type '" + type + "'");
    };
  }

  private static String article(String type) {
    return switch (type) {
      case "object", "array", "integer" -> "an " + type;
      default -> "a " + type;
    };
  }
}
