package dev.telltale.text.hf;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

/**
 * Reads a {@code tokenizer.json}: the vocabulary and merges are streamed (a 260k-token file loads
 * in well under a second), the small sections are read as trees and checked strictly, and anything
 * that would change tokenization and is not implemented is refused.
 */
final class TokenizerJsonReader {
  // Vocabularies have hundreds of thousands of keys: interning or canonicalizing them as field
  // names would cost more than the whole parse.
  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
          .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
          .build();
  private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);

  private TokenizerJsonReader() {}

  static HfTokenizer read(String name, Path path) throws IOException {
    byte[] bytes = Files.readAllBytes(path);
    // The digest of a 30 MB file overlaps the parse on another core.
    CompletableFuture<String> sha256 = CompletableFuture.supplyAsync(() -> sha256(bytes));
    try {
      return parse(name, sha256, bytes);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UnsupportedTokenizerException(
          path + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static HfTokenizer parse(String name, CompletableFuture<String> sha256, byte[] bytes)
      throws IOException {
    Map<String, JsonNode> sections = new HashMap<>();
    ModelSection model = null;
    try (JsonParser p = FACTORY.createParser(bytes)) {
      p.setCodec(MAPPER);
      expect(p.nextToken(), JsonToken.START_OBJECT, "tokenizer.json");
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        if (field.equals("model")) {
          model = readModel(p);
        } else {
          sections.put(field, p.readValueAsTree());
        }
      }
    }
    if (model == null) {
      throw new UnsupportedTokenizerException("tokenizer.json has no model");
    }
    PreTokenizers.Parsed pre = PreTokenizers.parse(sections.get("pre_tokenizer"));
    BpeModel bpe = model.build(pre.byteLevel());
    AddedTokens added = new AddedTokens();
    String[] addedContent = readAddedTokens(sections.get("added_tokens"), added);
    return new HfTokenizer(
        name,
        sha256.join(),
        added,
        addedContent,
        Normalizers.parse(sections.get("normalizer")),
        pre.steps(),
        bpe,
        Decoders.parse(sections.get("decoder")));
  }

  private static String[] readAddedTokens(JsonNode node, AddedTokens matcher) {
    if (node == null || node.isNull()) {
      return new String[0];
    }
    int max = -1;
    for (JsonNode t : node) {
      max = Math.max(max, t.path("id").asInt(-1));
    }
    String[] content = new String[max + 1];
    for (JsonNode t : node) {
      int id = t.path("id").asInt(-1);
      String text = Json.text(t, "content", "added token");
      if (id < 0) {
        throw new UnsupportedTokenizerException("added token '" + text + "' has no id");
      }
      content[id] = text;
      if (Json.flag(t, "special", false)) {
        continue; // special tokens in text are ordinary text (see HfTokenizer)
      }
      if (Json.flag(t, "single_word", false)
          || Json.flag(t, "lstrip", false)
          || Json.flag(t, "rstrip", false)
          || Json.flag(t, "normalized", false)) {
        throw new UnsupportedTokenizerException(
            "added token '"
                + text
                + "' uses single_word/lstrip/rstrip/normalized, which are not supported");
      }
      matcher.add(text, id);
    }
    return content;
  }

  private static void expect(JsonToken actual, JsonToken expected, String where) {
    if (actual != expected) {
      throw new UnsupportedTokenizerException(where + ": expected " + expected + ", got " + actual);
    }
  }

  /** The model section as read; the merges are resolved against the vocabulary afterwards. */
  private static final class ModelSection {
    String type;
    Map<String, Integer> vocab;
    List<String> mergeLeft = new ArrayList<>();
    List<String> mergeRight = new ArrayList<>();
    boolean byteFallback;
    boolean ignoreMerges;
    boolean fuseUnk;
    String unkToken;

    BpeModel build(boolean byteLevel) {
      if (!"BPE".equals(type)) {
        throw new UnsupportedTokenizerException(
            "unsupported model type '" + type + "' (only BPE is implemented)");
      }
      if (vocab == null) {
        throw new UnsupportedTokenizerException("BPE model has no vocab");
      }
      int size = 0;
      for (int id : vocab.values()) {
        if (id < 0) {
          throw new UnsupportedTokenizerException("negative token id " + id);
        }
        size = Math.max(size, id + 1);
      }
      String[] idToToken = new String[size];
      vocab.forEach((token, id) -> idToToken[id] = token);
      // Resolving half a million merges against the vocabulary is most of the load time; the
      // lookups run in parallel, the table is filled in rank order.
      int n = mergeLeft.size();
      int[] resolved = new int[3 * n];
      IntStream.range(0, n)
          .parallel()
          .forEach(
              rank -> {
                String a = mergeLeft.get(rank);
                String b = mergeRight.get(rank);
                Integer left = vocab.get(a);
                Integer right = vocab.get(b);
                Integer merged = vocab.get(a + b);
                if (left == null || right == null || merged == null) {
                  throw new UnsupportedTokenizerException(
                      "merge '"
                          + a
                          + " "
                          + b
                          + "' (rank "
                          + rank
                          + ") uses a token not in the vocab");
                }
                resolved[3 * rank] = left;
                resolved[3 * rank + 1] = right;
                resolved[3 * rank + 2] = merged;
              });
      MergeTable merges = new MergeTable(n);
      for (int rank = 0; rank < n; rank++) {
        merges.put(resolved[3 * rank], resolved[3 * rank + 1], rank, resolved[3 * rank + 2]);
      }
      int unkId = -1;
      if (unkToken != null) {
        Integer id = vocab.get(unkToken);
        if (id == null) {
          throw new UnsupportedTokenizerException("unk_token '" + unkToken + "' not in the vocab");
        }
        unkId = id;
      }
      return new BpeModel(
          vocab, idToToken, merges, ignoreMerges, byteLevel, byteFallback, unkId, fuseUnk);
    }
  }

  private static ModelSection readModel(JsonParser p) throws IOException {
    expect(p.currentToken(), JsonToken.START_OBJECT, "model");
    ModelSection m = new ModelSection();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "type" -> m.type = p.getValueAsString();
        case "vocab" -> m.vocab = readVocab(p);
        case "merges" -> readMerges(p, m);
        case "byte_fallback" -> m.byteFallback = value == JsonToken.VALUE_TRUE;
        case "ignore_merges" -> m.ignoreMerges = value == JsonToken.VALUE_TRUE;
        case "fuse_unk" -> m.fuseUnk = value == JsonToken.VALUE_TRUE;
        case "unk_token" -> m.unkToken = value == JsonToken.VALUE_NULL ? null : p.getText();
        case "dropout" -> {
          if (value != JsonToken.VALUE_NULL && p.getDoubleValue() != 0.0) {
            throw new UnsupportedTokenizerException("BPE dropout is not deterministic");
          }
        }
        case "continuing_subword_prefix", "end_of_word_suffix" -> {
          if (value != JsonToken.VALUE_NULL && !p.getText().isEmpty()) {
            throw new UnsupportedTokenizerException("BPE " + field + " is not supported");
          }
        }
        default -> p.skipChildren();
      }
    }
    return m;
  }

  private static Map<String, Integer> readVocab(JsonParser p) throws IOException {
    expect(p.currentToken(), JsonToken.START_OBJECT, "vocab");
    Map<String, Integer> vocab = new HashMap<>(1 << 19);
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String token = p.currentName();
      expect(p.nextToken(), JsonToken.VALUE_NUMBER_INT, "vocab id of '" + token + "'");
      vocab.put(token, p.getIntValue());
    }
    return vocab;
  }

  private static void readMerges(JsonParser p, ModelSection m) throws IOException {
    expect(p.currentToken(), JsonToken.START_ARRAY, "merges");
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t == JsonToken.VALUE_STRING) {
        // The older format: "left right"; tokens cannot contain a space there.
        String line = p.getText();
        int space = line.indexOf(' ');
        if (space < 0 || line.indexOf(' ', space + 1) >= 0) {
          throw new UnsupportedTokenizerException("malformed merge '" + line + "'");
        }
        m.mergeLeft.add(line.substring(0, space));
        m.mergeRight.add(line.substring(space + 1));
      } else if (t == JsonToken.START_ARRAY) {
        expect(p.nextToken(), JsonToken.VALUE_STRING, "merge pair");
        m.mergeLeft.add(p.getText());
        expect(p.nextToken(), JsonToken.VALUE_STRING, "merge pair");
        m.mergeRight.add(p.getText());
        expect(p.nextToken(), JsonToken.END_ARRAY, "merge pair");
      } else {
        throw new UnsupportedTokenizerException("malformed merges entry: " + t);
      }
    }
  }
}
