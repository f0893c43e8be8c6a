package dev.telltale.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The bundled OpenAPI document: served as is at {@code /openapi.json}, and the source of the
 * request schemas that validate bodies, so the document and the validation cannot drift apart.
 */
final class ApiDocument {
  private final byte[] bytes;
  private final JsonNode schemas;

  private ApiDocument(byte[] bytes, JsonNode schemas) {
    this.bytes = bytes;
    this.schemas = schemas;
  }

  static ApiDocument bundled() {
    try (InputStream in = ApiDocument.class.getResourceAsStream("/openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("missing resource /openapi.json");
      }
      byte[] b = in.readAllBytes();
      return new ApiDocument(b, new ObjectMapper().readTree(b).path("components").path("schemas"));
    } catch (IOException e) {
      throw new UncheckedIOException("the bundled OpenAPI document is unreadable", e);
    }
  }

  /**
   * This document with {@code names} (the configured tokenizer files) added to the {@code
   * tokenizer} enum of the detection, attribution, radioactivity and scan-path requests, so the
   * served document and the validation both admit them; the same document when there are none.
   */
  ApiDocument withTokenizers(List<String> names) {
    if (names.isEmpty()) {
      return this;
    }
    try {
      ObjectMapper mapper = new ObjectMapper();
      JsonNode root = mapper.readTree(bytes);
      for (String schema :
          List.of(
              "DetectRequest", "AttributionRequest", "RadioactivityRequest", "ScanPathRequest")) {
        JsonNode values =
            root.path("components")
                .path("schemas")
                .path(schema)
                .path("properties")
                .path("tokenizer")
                .path("enum");
        if (!(values instanceof ArrayNode a)) {
          throw new IllegalStateException(schema + ".tokenizer has no enum");
        }
        names.forEach(a::add);
      }
      byte[] b = mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
      return new ApiDocument(b, root.path("components").path("schemas"));
    } catch (IOException e) {
      throw new UncheckedIOException("the bundled OpenAPI document is unreadable", e);
    }
  }

  byte[] bytes() {
    return bytes.clone();
  }

  /** The request schema named {@code name} under {@code components.schemas}. */
  RequestSchema schema(String name) {
    JsonNode s = schemas.get(name);
    if (s == null) {
      throw new IllegalStateException("the OpenAPI document has no schema " + name);
    }
    return new RequestSchema(s);
  }
}
