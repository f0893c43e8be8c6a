package dev.telltale.text.hf;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The {@code decoder} section of a {@code tokenizer.json}: a chain over the list of token strings,
 * each step as Hugging Face's {@code decode_chain}; the result is the concatenation.
 */
final class Decoders {
  private Decoders() {}

  static UnaryOperator<List<String>> parse(JsonNode node) {
    if (node == null || node.isNull()) {
      // Hugging Face joins tokens with spaces when a tokenizer has no decoder.
      return tokens -> List.of(String.join(" ", tokens));
    }
    String type = Json.text(node, "type", "decoder");
    switch (type) {
      case "Sequence":
        {
          List<UnaryOperator<List<String>>> steps = new ArrayList<>();
          for (JsonNode child : Json.array(node, "decoders", "Sequence decoder")) {
            steps.add(parse(child));
          }
          return tokens -> {
            for (UnaryOperator<List<String>> step : steps) {
              tokens = step.apply(tokens);
            }
            return tokens;
          };
        }
      case "ByteLevel":
        return Decoders::byteLevel;
      case "Replace":
        {
          String pattern = Json.stringPattern(node, "Replace decoder");
          String content = Json.text(node, "content", "Replace decoder");
          return tokens -> tokens.stream().map(t -> t.replace(pattern, content)).toList();
        }
      case "ByteFallback":
        return Decoders::byteFallback;
      case "Fuse":
        return tokens -> List.of(String.join("", tokens));
      case "Strip":
        {
          String content = Json.text(node, "content", "Strip decoder");
          if (content.codePointCount(0, content.length()) != 1) {
            throw new UnsupportedTokenizerException("Strip decoder content must be one character");
          }
          int start = node.path("start").asInt(0);
          int stop = node.path("stop").asInt(0);
          return tokens -> tokens.stream().map(t -> strip(t, content, start, stop)).toList();
        }
      default:
        throw new UnsupportedTokenizerException("unsupported decoder type '" + type + "'");
    }
  }

  private static List<String> byteLevel(List<String> tokens) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (String token : tokens) {
      byte[] mapped = new byte[token.length()];
      boolean all = true;
      for (int i = 0; i < token.length() && all; i++) {
        int b = ByteLevelAlphabet.byteOf(token.charAt(i));
        all = b >= 0;
        mapped[i] = (byte) b;
      }
      bytes.writeBytes(all ? mapped : token.getBytes(StandardCharsets.UTF_8));
    }
    return List.of(Utf8.decodeLossy(bytes.toByteArray()));
  }

  private static List<String> byteFallback(List<String> tokens) {
    List<String> out = new ArrayList<>(tokens.size());
    ByteArrayOutputStream pending = new ByteArrayOutputStream();
    for (String token : tokens) {
      int b = byteToken(token);
      if (b >= 0) {
        pending.write(b);
        continue;
      }
      flush(pending, out);
      out.add(token);
    }
    flush(pending, out);
    return out;
  }

  /** Valid UTF-8 becomes its text; otherwise one U+FFFD per byte token, as Hugging Face does. */
  private static void flush(ByteArrayOutputStream pending, List<String> out) {
    if (pending.size() == 0) {
      return;
    }
    byte[] bytes = pending.toByteArray();
    String text = Utf8.decodeStrict(bytes);
    if (text != null) {
      out.add(text);
    } else {
      for (int i = 0; i < bytes.length; i++) {
        out.add("\uFFFD");
      }
    }
    pending.reset();
  }

  private static int byteToken(String token) {
    if (token.length() != 6 || !token.startsWith("<0x") || token.charAt(5) != '>') {
      return -1;
    }
    int hi = Character.digit(token.charAt(3), 16);
    int lo = Character.digit(token.charAt(4), 16);
    return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
  }

  private static String strip(String token, String content, int start, int stop) {
    int cp = content.codePointAt(0);
    int[] cps = token.codePoints().toArray();
    int from = 0;
    while (from < Math.min(start, cps.length) && cps[from] == cp) {
      from++;
    }
    int to = cps.length;
    int stripped = 0;
    while (stripped < stop && to > from && cps[to - 1] == cp) {
      to--;
      stripped++;
    }
    return new String(cps, from, to - from);
  }
}
