package dev.telltale.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every JSON Schema keyword the served OpenAPI document uses is enforced by {@link RequestSchema}:
 * the keywords are enumerated from the document itself, and each must have a case here (a schema
 * using it, an instance it accepts, one it refuses), so a keyword added to the document without a
 * case fails this test. Annotation keywords, which by the specification validate nothing, are
 * listed apart and must accept both instances.
 */
class RequestSchemaKeywordsTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** A schema with the keyword, an instance it accepts and one it must refuse. */
  private record Case(String schema, String accepted, String refused) {}

  private static final Map<String, Case> CASES =
      Map.ofEntries(
          Map.entry("type", new Case("{\"type\":\"integer\"}", "3", "3.5")),
          Map.entry(
              "properties",
              new Case(
                  "{\"properties\":{\"a\":{\"type\":\"string\"}}}", "{\"a\":\"x\"}", "{\"a\":1}")),
          Map.entry("required", new Case("{\"required\":[\"a\"]}", "{\"a\":1}", "{\"b\":1}")),
          // Both forms: false, and a schema for the other members (once silently ignored).
          Map.entry(
              "additionalProperties",
              new Case(
                  "{\"properties\":{\"a\":{}},\"additionalProperties\":{\"type\":\"integer\"}}",
                  "{\"a\":\"x\",\"b\":2}",
                  "{\"a\":\"x\",\"b\":\"two\"}")),
          Map.entry("enum", new Case("{\"enum\":[\"own\",\"all\"]}", "\"all\"", "\"none\"")),
          Map.entry("minLength", new Case("{\"minLength\":2}", "\"ab\"", "\"a\"")),
          Map.entry("maxLength", new Case("{\"maxLength\":2}", "\"ab\"", "\"abc\"")),
          Map.entry("minimum", new Case("{\"minimum\":0}", "0", "-1")),
          Map.entry("maximum", new Case("{\"maximum\":10}", "10", "11")),
          Map.entry("exclusiveMinimum", new Case("{\"exclusiveMinimum\":0}", "0.5", "0")),
          Map.entry("exclusiveMaximum", new Case("{\"exclusiveMaximum\":1}", "0.5", "1")),
          Map.entry("minItems", new Case("{\"minItems\":1}", "[1]", "[]")),
          Map.entry("maxItems", new Case("{\"maxItems\":1}", "[1]", "[1,2]")),
          Map.entry("not", new Case("{\"not\":{\"required\":[\"a\"]}}", "{\"b\":1}", "{\"a\":1}")),
          Map.entry("items", new Case("{\"items\":{\"type\":\"integer\"}}", "[1,2]", "[1,\"x\"]")),
          // Branches of any kind, not only required sets; exactly one must hold.
          Map.entry(
              "oneOf",
              new Case(
                  "{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"integer\",\"minimum\":0}]}",
                  "4",
                  "-4")),
          Map.entry(
              "format",
              new Case(
                  "{\"type\":\"string\",\"format\":\"date-time\"}",
                  "\"2026-12-06T05:00:00Z\"",
                  "\"2026-13-45 noon\"")));

  /** Keywords that only annotate (JSON Schema 2020-12, meta-data vocabulary). */
  private static final Set<String> ANNOTATIONS = Set.of("description", "title", "examples");

  private static final Set<String> SUBSCHEMA_MAPS = Set.of("properties", "patternProperties");
  private static final Set<String> SUBSCHEMA_LISTS =
      Set.of("oneOf", "anyOf", "allOf", "prefixItems");
  private static final Set<String> SUBSCHEMAS =
      Set.of("items", "additionalProperties", "not", "contains", "if", "then", "else");

  static JsonNode schemas() throws Exception {
    try (InputStream in = RequestSchemaKeywordsTest.class.getResourceAsStream("/openapi.json")) {
      return MAPPER.readTree(in).path("components").path("schemas");
    }
  }

  private static void keywords(JsonNode schema, Set<String> out) {
    if (!schema.isObject()) {
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = schema.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.add(e.getKey());
      if (SUBSCHEMA_MAPS.contains(e.getKey())) {
        e.getValue().forEach(s -> keywords(s, out));
      } else if (SUBSCHEMA_LISTS.contains(e.getKey())) {
        e.getValue().forEach(s -> keywords(s, out));
      } else if (SUBSCHEMAS.contains(e.getKey())) {
        keywords(e.getValue(), out);
      }
    }
  }

  private static Optional<String> check(String schema, String instance) throws Exception {
    return new RequestSchema(MAPPER.readTree(schema)).violation(MAPPER.readTree(instance));
  }

  @Test
  void everyKeywordTheDocumentUsesIsEnforced() throws Exception {
    Set<String> used = new TreeSet<>();
    schemas().forEach(s -> keywords(s, used));
    assertTrue(used.size() >= 10, "found only " + used);
    for (String k : used) {
      if (ANNOTATIONS.contains(k)) {
        continue;
      }
      Case c = CASES.get(k);
      assertTrue(c != null, "the OpenAPI document uses '" + k + "': add a case for it here");
      assertEquals(
          Optional.empty(), check(c.schema(), c.accepted()), k + " refused " + c.accepted());
      Optional<String> v = check(c.schema(), c.refused());
      assertTrue(v.isPresent(), k + " is not enforced: accepted " + c.refused());
      assertTrue(v.get().startsWith("$"), v.get());
    }
  }

  @Test
  void annotationsValidateNothing() throws Exception {
    for (String k : ANNOTATIONS) {
      String schema =
          "{\"type\":\"integer\",\"" + k + "\":" + (k.equals("examples") ? "[1]" : "\"x\"") + "}";
      assertEquals(Optional.empty(), check(schema, "1"), k);
      assertTrue(check(schema, "\"one\"").isPresent(), k);
    }
  }

  @Test
  void aKeywordTheDialectDoesNotKnowFailsWhenLoaded() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new RequestSchema(MAPPER.readTree("{\"type\":\"string\",\"maxLenght\":3}")));
  }

  /** The document's own schemas, on requests that only the whole dialect refuses. */
  @Test
  void theDocumentsRequestSchemasRefuseWhatTheySay() throws Exception {
    JsonNode s = schemas();
    RequestSchema detect = new RequestSchema(s.get("DetectRequest"));
    assertEquals(Optional.empty(), detect.violation(MAPPER.readTree("{\"text\":\"a\"}")));
    assertEquals(
        Optional.empty(),
        detect.violation(MAPPER.readTree("{\"token_ids\":[3],\"prompt_ids\":[1,2]}")));
    assertEquals(
        Optional.empty(), detect.violation(MAPPER.readTree("{\"tokens\":[3],\"prompt_ids\":[]}")));
    for (String bad :
        List.of(
            "{\"text\":\"a\",\"tokens\":[1]}",
            "{}",
            "{\"text\":\"a\",\"alpha\":1}",
            "{\"text\":\"a\",\"tokenizer\":\"gpt2\"}",
            "{\"tokens\":[-1]}",
            "{\"text\":\"a\",\"prompt_ids\":[1]}",
            "{\"prompt_ids\":[1]}",
            "{\"token_ids\":[1],\"prompt_ids\":[-1]}",
            "{\"text\":\"a\",\"extra\":true}")) {
      assertTrue(detect.violation(MAPPER.readTree(bad)).isPresent(), bad);
    }
    // Every request schema of the document loads under the strict dialect.
    for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
      new RequestSchema(s.get(it.next()));
    }
  }
}
