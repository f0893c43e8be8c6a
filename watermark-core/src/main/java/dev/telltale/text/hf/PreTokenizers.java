package dev.telltale.text.hf;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code pre_tokenizer} section of a {@code tokenizer.json}: splits normalized text into the
 * words BPE sees. Regexes are compiled once, with {@link Pattern#UNICODE_CHARACTER_CLASS} so that
 * {@code \s} and case-insensitive groups follow Unicode as Oniguruma (Hugging Face's engine) does.
 */
final class PreTokenizers {
  /** GPT-2's split, used by a {@code ByteLevel} pre-tokenizer with {@code use_regex}. */
  static final String GPT2_PATTERN =
      "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

  /** One step: appends the pieces of {@code piece} to {@code out}. */
  interface Step {
    void split(String piece, List<String> out);
  }

  /** The parsed pre-tokenizer: its steps, and whether a {@code ByteLevel} step maps bytes. */
  record Parsed(List<Step> steps, boolean byteLevel) {}

  private PreTokenizers() {}

  static Parsed parse(JsonNode node) {
    List<Step> steps = new ArrayList<>();
    boolean byteLevel = collect(node, steps);
    return new Parsed(List.copyOf(steps), byteLevel);
  }

  private static boolean collect(JsonNode node, List<Step> steps) {
    if (node == null || node.isNull()) {
      return false;
    }
    String type = Json.text(node, "type", "pre_tokenizer");
    switch (type) {
      case "Sequence":
        {
          boolean byteLevel = false;
          for (JsonNode child : Json.array(node, "pretokenizers", "Sequence pre_tokenizer")) {
            byteLevel |= collect(child, steps);
          }
          return byteLevel;
        }
      case "Split":
        {
          JsonNode pattern = node.get("pattern");
          Pattern compiled;
          if (pattern != null && pattern.hasNonNull("Regex")) {
            String regex = pattern.get("Regex").asText();
            Llama3Splitter fast = Llama3Splitter.forRegex(regex);
            if (fast != null
                && "Isolated".equals(Json.text(node, "behavior", "Split"))
                && !Json.flag(node, "invert", false)) {
              steps.add(fast);
              return false;
            }
            compiled = compile(regex);
          } else {
            compiled = Pattern.compile(Pattern.quote(Json.stringPattern(node, "Split")));
          }
          steps.add(
              split(
                  compiled,
                  Json.text(node, "behavior", "Split"),
                  Json.flag(node, "invert", false)));
          return false;
        }
      case "ByteLevel":
        {
          if (Json.flag(node, "add_prefix_space", true)) {
            steps.add(
                (piece, out) ->
                    out.add(piece.isEmpty() || piece.charAt(0) == ' ' ? piece : " " + piece));
          }
          if (Json.flag(node, "use_regex", true)) {
            steps.add(split(compile(GPT2_PATTERN), "Isolated", false));
          }
          return true;
        }
      default:
        throw new UnsupportedTokenizerException("unsupported pre_tokenizer type '" + type + "'");
    }
  }

  private static Pattern compile(String regex) {
    try {
      return Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
    } catch (RuntimeException e) {
      throw new UnsupportedTokenizerException("pre_tokenizer regex does not compile: " + regex, e);
    }
  }

  static Step split(Pattern pattern, String behavior, boolean invert) {
    int mode =
        switch (behavior) {
          case "Isolated" -> 0;
          case "Removed" -> 1;
          case "MergedWithPrevious" -> 2;
          case "MergedWithNext" -> 3;
          case "Contiguous" -> 4;
          default ->
              throw new UnsupportedTokenizerException(
                  "unsupported Split behavior '" + behavior + "'");
        };
    if (mode == 0 && !invert) {
      return (piece, out) -> isolated(pattern, piece, out);
    }
    return (piece, out) -> general(pattern, mode, invert, piece, out);
  }

  private static void isolated(Pattern pattern, String piece, List<String> out) {
    Matcher m = pattern.matcher(piece);
    int prev = 0;
    while (m.find()) {
      if (m.start() > prev) {
        out.add(piece.substring(prev, m.start()));
      }
      if (m.end() > m.start()) {
        out.add(piece.substring(m.start(), m.end()));
      }
      prev = m.end();
    }
    if (prev < piece.length()) {
      out.add(piece.substring(prev));
    }
  }

  /** Hugging Face's {@code split} with delimiter behaviors, on (start, end, isMatch) segments. */
  private static void general(
      Pattern pattern, int mode, boolean invert, String piece, List<String> out) {
    List<int[]> segments = new ArrayList<>();
    Matcher m = pattern.matcher(piece);
    int prev = 0;
    while (m.find()) {
      if (m.start() != prev) {
        segments.add(new int[] {prev, m.start(), invert ? 1 : 0});
      }
      segments.add(new int[] {m.start(), m.end(), invert ? 0 : 1});
      prev = m.end();
    }
    if (prev != piece.length()) {
      segments.add(new int[] {prev, piece.length(), invert ? 1 : 0});
    }
    List<int[]> kept = new ArrayList<>();
    switch (mode) {
      case 0 -> kept.addAll(segments);
      case 1 -> segments.stream().filter(s -> s[2] == 0).forEach(kept::add);
      case 2 -> {
        boolean previousMatch = false;
        for (int[] s : segments) {
          boolean match = s[2] == 1;
          if (match && !previousMatch && !kept.isEmpty()) {
            kept.get(kept.size() - 1)[1] = s[1];
          } else {
            kept.add(s.clone());
          }
          previousMatch = match;
        }
      }
      case 3 -> {
        boolean previousMatch = false;
        for (int i = segments.size() - 1; i >= 0; i--) {
          int[] s = segments.get(i);
          boolean match = s[2] == 1;
          if (match && !previousMatch && !kept.isEmpty()) {
            kept.get(kept.size() - 1)[0] = s[0];
          } else {
            kept.add(s.clone());
          }
          previousMatch = match;
        }
        java.util.Collections.reverse(kept);
      }
      default -> {
        for (int[] s : segments) {
          int[] last = kept.isEmpty() ? null : kept.get(kept.size() - 1);
          if (last != null && last[2] == 1 && s[2] == 1) {
            last[1] = s[1];
          } else {
            kept.add(s.clone());
          }
        }
      }
    }
    for (int[] s : kept) {
      if (s[1] > s[0]) {
        out.add(piece.substring(s[0], s[1]));
      }
    }
  }
}
