package dev.telltale.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.TestGenerators;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;

/**
 * The body reader's UTF-8 check (the JDK's replacing decoder, then the strict one only when the
 * result holds a U+FFFD) refuses exactly the bodies a strict decoder refuses, and answers are
 * written as the bytes of {@code JsonNode.toString()}.
 */
class JsonBodyTest {
  @Test
  void malformedUtf8IsRefusedExactlyWhenAStrictDecoderRefusesIt() {
    qt().withFixedSeed(0x17_0001L)
        .withExamples(3000)
        .forAll(
            Generate.oneOf(
                TestGenerators.damagedUtf8(40),
                TestGenerators.bytes(40),
                TestGenerators.unicodeStrings(40).map(s -> s.getBytes(StandardCharsets.UTF_8))))
        .checkAssert(
            text -> {
              byte[] body = body(text);
              String got;
              try {
                JsonNode n = JsonBody.parse(Buffer.buffer(body));
                got = "ok:" + n.get("text").textValue();
              } catch (ProblemException e) {
                got = e.type().equals("malformed-utf8") ? "malformed-utf8" : "other";
              }
              String expected;
              try {
                String s =
                    StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(text))
                        .toString();
                // A decodable text may still be refused for other reasons (a quote, a control
                // character, a lone surrogate): only the UTF-8 verdict is compared then.
                expected = got.equals("other") ? "other" : "ok:" + s;
              } catch (CharacterCodingException e) {
                expected = "malformed-utf8";
              }
              assertEquals(expected, got);
            });
  }

  @Test
  void aReplacementCharacterSentAsSuchIsAcceptedAndOverlongOrSurrogateBytesAreNot() {
    assertEquals(
        "a\uFFFDb",
        JsonBody.parse(Buffer.buffer(body("a\uFFFDb".getBytes(StandardCharsets.UTF_8))))
            .get("text")
            .textValue());
    for (byte[] bad :
        new byte[][] {
          {(byte) 0xC0, (byte) 0x80}, // overlong NUL
          {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // an encoded surrogate
          {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // beyond U+10FFFF
          {(byte) 0xE2, (byte) 0x82}, // truncated
          {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD, (byte) 0xFF} // U+FFFD, then a bad byte
        }) {
      ProblemException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              ProblemException.class, () -> JsonBody.parse(Buffer.buffer(body(bad))));
      assertEquals("malformed-utf8", e.type());
    }
  }

  @Test
  void answersAreTheBytesOfTheTreesText() {
    qt().withFixedSeed(0x17_0002L)
        .withExamples(1000)
        .forAll(TestGenerators.unicodeStrings(30), TestGenerators.finiteDoubles())
        .checkAssert(
            (s, d) -> {
              ObjectNode n = JsonNodeFactory.instance.objectNode();
              n.put("text", s);
              n.put(s, d);
              n.putArray("values").add(d).add(-d).add(d.longValue()).add(s);
              n.putObject("nested").put("p_value", d / 7).putNull("none");
              assertArrayEquals(
                  n.toString().getBytes(StandardCharsets.UTF_8), JsonBody.bytes(n), n::toString);
            });
  }

  /** {@code {"text":"<text>"}} with {@code text}'s bytes as they are. */
  private static byte[] body(byte[] text) {
    byte[] head = "{\"text\":\"".getBytes(StandardCharsets.US_ASCII);
    byte[] tail = "\"}".getBytes(StandardCharsets.US_ASCII);
    byte[] b = new byte[head.length + text.length + tail.length];
    System.arraycopy(head, 0, b, 0, head.length);
    System.arraycopy(text, 0, b, head.length, text.length);
    System.arraycopy(tail, 0, b, head.length + text.length, tail.length);
    return b;
  }
}
