package dev.telltale.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.TestGenerators;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * The body reader's fast path (plain UTF-8 parsed in place) gives what the reference path gives,
 * the same tree or the same refusal in the same words, for JSON bodies written raw or escaped,
 * damaged, cut short, with NULs, marks and lone surrogates, read from the start of their buffer or
 * from inside a larger one.
 */
class JsonBodyFastPathTest {
  private static String outcome(java.util.function.Supplier<Object> parse) {
    try {
      return "ok:" + parse.get();
    } catch (ProblemException e) {
      return e.status() + " " + e.type() + " " + e.getMessage();
    }
  }

  /** A DetectRequest-like body around {@code text}, written raw or with every non-ASCII escaped. */
  private static Gen<byte[]> bodies() {
    Gen<byte[]> json =
        TestGenerators.unicodeStrings(50)
            .zip(
                integers().between(0, 3),
                (text, style) -> {
                  ObjectNode o = JsonNodeFactory.instance.objectNode();
                  o.put("text", text);
                  o.put("alpha", 0.01 * style);
                  String s = o.toString();
                  if (style == 1) {
                    StringBuilder sb = new StringBuilder();
                    for (char c : s.toCharArray()) {
                      sb.append(c < 128 ? String.valueOf(c) : String.format("\\u%04x", (int) c));
                    }
                    s = sb.toString();
                  } else if (style == 2) {
                    s = s.replace("\"alpha\"", "\"text\""); // a duplicate name
                  } else if (style == 3) {
                    s = s.substring(0, s.length() / 2); // cut short
                  }
                  return s.getBytes(StandardCharsets.UTF_8);
                });
    Gen<byte[]> odd =
        Generate.pick(
                Arrays.asList(
                    "{\"text\":\"\\ud800\"}",
                    "\uFEFF{\"text\":\"a\"}",
                    "{\"text\":\"a\"}\u0000",
                    "\u0000{\u0000\"\u0000a\u0000\"\u0000:\u00001\u0000}",
                    "{\"text\":\"a\"} {}",
                    "  ",
                    "null",
                    "[1,2]",
                    "{\"text\":\"\u00e9\"}"))
            .map(s -> s.getBytes(StandardCharsets.UTF_8));
    return Generate.oneOf(json, TestGenerators.damaged(json), odd, TestGenerators.bytes(30));
  }

  @Test
  void fastPathGivesTheReferenceTreeOrRefusal() {
    qt().withFixedSeed(0xB0D1L)
        .withExamples(4000)
        .forAll(bodies(), integers().between(0, 7))
        .checkAssert(
            (body, pad) -> {
              String reference = outcome(() -> JsonBody.parseReference(body));
              assertEquals(reference, outcome(() -> JsonBody.parse(Buffer.buffer(body))));
              // The same bytes inside a larger array, as a slice of it.
              byte[] big = new byte[pad + body.length + 3];
              Arrays.fill(big, (byte) '{');
              System.arraycopy(body, 0, big, pad, body.length);
              Buffer slice =
                  BufferInternal.buffer(Unpooled.wrappedBuffer(big).slice(pad, body.length));
              assertEquals(reference, outcome(() -> JsonBody.parse(slice)));
            });
  }
}
