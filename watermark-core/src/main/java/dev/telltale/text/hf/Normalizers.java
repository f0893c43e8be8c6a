package dev.telltale.text.hf;

import com.fasterxml.jackson.databind.JsonNode;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** The {@code normalizer} section of a {@code tokenizer.json}, as a string-to-string function. */
final class Normalizers {
  /** The normalizer of a file without one (identity), by which a tokenizer knows it has none. */
  static final UnaryOperator<String> NONE = UnaryOperator.identity();

  private Normalizers() {}

  static UnaryOperator<String> parse(JsonNode node) {
    if (node == null || node.isNull()) {
      return NONE;
    }
    String type = Json.text(node, "type", "normalizer");
    switch (type) {
      case "Sequence":
        {
          List<UnaryOperator<String>> steps = new ArrayList<>();
          for (JsonNode child : Json.array(node, "normalizers", "Sequence normalizer")) {
            steps.add(parse(child));
          }
          return s -> {
            for (UnaryOperator<String> step : steps) {
              s = step.apply(s);
            }
            return s;
          };
        }
      case "NFC":
        return s -> Normalizer.normalize(s, Normalizer.Form.NFC);
      case "NFD":
        return s -> Normalizer.normalize(s, Normalizer.Form.NFD);
      case "NFKC":
        return s -> Normalizer.normalize(s, Normalizer.Form.NFKC);
      case "NFKD":
        return s -> Normalizer.normalize(s, Normalizer.Form.NFKD);
      case "Replace":
        {
          String pattern = Json.stringPattern(node, "Replace normalizer");
          String content = Json.text(node, "content", "Replace normalizer");
          return s -> s.replace(pattern, content);
        }
      case "Prepend":
        {
          String prepend = Json.text(node, "prepend", "Prepend normalizer");
          // Hugging Face prepends only to a non-empty string.
          return s -> s.isEmpty() ? s : prepend + s;
        }
      default:
        throw new UnsupportedTokenizerException("unsupported normalizer type '" + type + "'");
    }
  }
}
