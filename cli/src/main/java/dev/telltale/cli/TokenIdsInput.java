package dev.telltale.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * Token ids as a serving engine logs them, for {@code detect --ids}: a JSON array of integers, or
 * {@code {"prompt_ids":[...],"ids":[...]}}. Ids are the most exact evidence there is: nothing is
 * re-tokenized.
 *
 * @param bytes the file as read (the evidence subject)
 * @param promptIds the prompt's ids (empty when not given)
 * @param ids the generated ids to test
 */
record TokenIdsInput(byte[] bytes, int[] promptIds, int[] ids) {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  /** Reads FILE (or - for standard input). */
  static TokenIdsInput read(String source, InputStream stdin) {
    String name = source.equals("-") ? "standard input" : "'" + source + "'";
    byte[] bytes;
    try {
      if (source.equals("-")) {
        bytes = stdin.readNBytes(InputText.MAX_BYTES + 1);
      } else {
        Path p = Path.of(source);
        if (Files.isDirectory(p)) {
          throw new BadInputException("--ids " + name + " is a directory, not a JSON file");
        }
        if (Files.size(p) > InputText.MAX_BYTES) {
          throw new BadInputException("--ids " + name + " is larger than 64 MiB");
        }
        bytes = Files.readAllBytes(p);
      }
    } catch (NoSuchFileException e) {
      throw new BadInputException("--ids " + name + " does not exist");
    } catch (IOException e) {
      throw new BadInputException("cannot read --ids " + name + ": " + e.getMessage(), e);
    }
    if (bytes.length > InputText.MAX_BYTES) {
      throw new BadInputException("--ids " + name + " is larger than 64 MiB");
    }
    return parse(bytes, "--ids " + name);
  }

  static TokenIdsInput parse(byte[] bytes, String name) {
    JsonNode root;
    try {
      root = MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new BadInputException(
          name + " is not valid JSON (line " + e.getLocation().getLineNr() + ")");
    } catch (IOException e) {
      throw new BadInputException(name + " cannot be parsed", e);
    }
    if (root != null && root.isArray()) {
      return new TokenIdsInput(bytes, new int[0], ids(root, name, "the array"));
    }
    if (root == null || !root.isObject()) {
      throw new BadInputException(
          name + " must hold a JSON array of token ids or {\"prompt_ids\":[...],\"ids\":[...]}");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!f.equals("ids") && !f.equals("prompt_ids")) {
        throw new BadInputException(
            name + " has unknown field '" + (f.length() > 40 ? f.substring(0, 40) : f) + "'");
      }
    }
    if (!root.has("ids")) {
      throw new BadInputException(name + " needs 'ids'");
    }
    int[] prompt =
        root.has("prompt_ids") ? ids(root.get("prompt_ids"), name, "'prompt_ids'") : new int[0];
    return new TokenIdsInput(bytes, prompt, ids(root.get("ids"), name, "'ids'"));
  }

  private static int[] ids(JsonNode a, String name, String what) {
    if (!a.isArray()) {
      throw new BadInputException(name + ": " + what + " must be an array of token ids");
    }
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = a.get(i);
      if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0) {
        throw new BadInputException(
            name + ": " + what + " entry " + i + " is not a non-negative 32-bit token id");
      }
      out[i] = v.intValue();
    }
    return out;
  }
}
