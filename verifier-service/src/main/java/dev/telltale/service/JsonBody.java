package dev.telltale.service;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
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

  /**
   * Writes answers straight to UTF-8 bytes, exactly as {@code JsonNode.toString()} reads: a
   * supplementary character as its four bytes, not as an escaped surrogate pair.
   */
  private static final ObjectMapper WRITER =
      new ObjectMapper(
          JsonFactory.builder()
              .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
              .build());

  private JsonBody() {}

  /**
   * Strict UTF-8, then JSON; both failures are one-line 400s that quote none of the input.
   *
   * <p>A body of plain UTF-8 ({@link StrictUtf8#plain}) is parsed straight from the request's
   * bytes, with no copy of them and no String of the whole body. Any other body, and any body the
   * fast path cannot parse, goes through the reference path below, which also words every error:
   * for well-formed UTF-8 both paths build the same tree.
   */
  static JsonNode parse(Buffer raw) {
    if (raw == null || raw.length() == 0) {
      throw ProblemException.badRequest("malformed-json", "the request body is empty");
    }
    JsonNode fast = parsePlain(raw);
    if (fast != null) {
      TextChecks.noLoneSurrogates(fast);
      return fast;
    }
    return parseReference(raw.getBytes());
  }

  /** The tree of a plain UTF-8 body read in place, or null (not plain, or not a JSON value). */
  private static JsonNode parsePlain(Buffer raw) {
    byte[] bytes = null;
    int off = 0;
    int len = 0;
    if (raw instanceof BufferInternal internal) {
      ByteBuf buf = internal.getByteBuf();
      if (buf.hasArray()) {
        bytes = buf.array();
        off = buf.arrayOffset() + buf.readerIndex();
        len = buf.readableBytes();
      }
    }
    if (bytes == null) {
      bytes = raw.getBytes();
      len = bytes.length;
    }
    if (!StrictUtf8.plain(bytes, off, len)) {
      return null;
    }
    try {
      JsonNode n = MAPPER.readTree(bytes, off, len);
      return n == null || n.isMissingNode() ? null : n;
    } catch (IOException e) {
      return null; // the reference path says what is wrong
    }
  }

  /** The body as a String (strict UTF-8), then JSON: the path that words every refusal. */
  static JsonNode parseReference(byte[] bytes) {
    if (bytes.length == 0) {
      throw ProblemException.badRequest("malformed-json", "the request body is empty");
    }
    // The JDK's decoder replaces each malformed sequence with U+FFFD: without one in the result
    // the bytes were well-formed UTF-8, and only a body with one is decoded again strictly (a
    // U+FFFD may also be sent as such). One pass, no second copy, for the usual body.
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (text.indexOf('\uFFFD') >= 0) {
      try {
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes));
      } catch (CharacterCodingException e) {
        throw ProblemException.badRequest("malformed-utf8", "the request body is not valid UTF-8");
      }
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
    write(ctx, status, bytes(body));
  }

  /** Answers {@code json}, a JSON text's UTF-8 bytes. */
  static void write(RoutingContext ctx, int status, byte[] json) {
    if (ctx.response().ended() || ctx.response().headWritten()) {
      return; // the timeout handler answered already
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(Buffer.buffer(json));
  }

  /** {@code body} as UTF-8 JSON, the text {@code body.toString()} gives, written without it. */
  static byte[] bytes(JsonNode body) {
    try {
      return WRITER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree that cannot be written", e);
    }
  }
}
