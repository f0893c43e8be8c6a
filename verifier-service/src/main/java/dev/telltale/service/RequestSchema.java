package dev.telltale.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.DisallowUnknownKeywordFactory;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a JSON value against a schema of the served OpenAPI document (OpenAPI 3.1: JSON Schema
 * 2020-12), so that the document is what validates requests. The validation is networknt's
 * json-schema-validator, a maintained implementation of the whole dialect: every keyword the
 * document uses is enforced ({@code RequestSchemaKeywordsTest} enumerates them from the document),
 * {@code format} is asserted, and a keyword the dialect does not know fails when the document is
 * loaded instead of being ignored.
 */
public final class RequestSchema {
  private static final JsonSchemaFactory FACTORY =
      JsonSchemaFactory.getInstance(
          SpecVersion.VersionFlag.V202012,
          b ->
              b.metaSchema(
                  JsonMetaSchema.builder(JsonMetaSchema.getV202012())
                      .unknownKeywordFactory(DisallowUnknownKeywordFactory.getInstance())
                      .build()));

  private static final SchemaValidatorsConfig CONFIG =
      SchemaValidatorsConfig.builder()
          .formatAssertionsEnabled(true)
          .locale(Locale.ROOT)
          .failFast(false)
          .pathType(com.networknt.schema.PathType.JSON_PATH)
          .build();

  private static final Comparator<ValidationMessage> FIRST =
      Comparator.comparing((ValidationMessage m) -> m.getInstanceLocation().toString())
          .thenComparing(ValidationMessage::getMessage);

  private final JsonSchema schema;

  public RequestSchema(JsonNode schema) {
    try {
      this.schema = FACTORY.getSchema(schema, CONFIG);
      this.schema.initializeValidators();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("unusable request schema: " + e.getMessage(), e);
    }
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
    Set<ValidationMessage> errors = schema.validate(value);
    return errors.stream().min(FIRST).map(m -> m.getMessage().replace('\n', ' '));
  }
}
