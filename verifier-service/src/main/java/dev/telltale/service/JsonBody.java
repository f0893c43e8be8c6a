package dev.telltale.service;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Reading request bodies strictly and writing JSON answers. */
final class JsonBody {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private JsonBody() {}

  /** Strict UTF-8, then JSON; both failures are one-line 400s that quote none of the input. */
  static JsonNode parse(Buffer raw) {
    if (raw == null || raw.length() == 0) {
      throw ProblemException.badRequest("malformed-json", "the request body is empty");
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(raw.getBytes()))
              .toString();
    } catch (CharacterCodingException e) {
      throw ProblemException.badRequest("malformed-utf8", "the request body is not valid UTF-8");
    }
    try {
      JsonNode n = MAPPER.readTree(text);
      if (n == null || n.isMissingNode()) {
        throw ProblemException.badRequest("malformed-json", "the request body is empty");
      }
      TextChecks.noLoneSurrogates(n);
      return n;
    } catch (JsonProcessingException e) {
      var loc = e.getLocation();
      throw ProblemException.badRequest(
          "malformed-json",
          "the request body is not valid JSON"
              + (loc == null
                  ? ""
                  : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")"));
    }
  }

  static void write(RoutingContext ctx, int status, JsonNode body) {
    if (ctx.response().ended() || ctx.response().headWritten()) {
      return; // the timeout handler answered already
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(body.toString());
  }
}
