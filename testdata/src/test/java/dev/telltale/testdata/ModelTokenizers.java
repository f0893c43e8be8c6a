package dev.telltale.testdata;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.text.Tokenizer;
import dev.telltale.text.Tokenizers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The four real model tokenizers the build fetches (testdata/pom.xml: npm tarballs pinned by
 * SHA-256) and their oracle: the Hugging Face tokenizers library through DJL, given a copy of the
 * file without its special added tokens, which is how Telltale treats special tokens in text
 * (ordinary text; the library's {@code split_special_tokens}).
 */
final class ModelTokenizers {
  static final List<String> NAMES = List.of("llama3", "qwen3", "gemma3", "llama2");

  /** Prefix of the oracle's renamed special tokens; test texts never contain it. */
  static final String UNMATCHABLE = "\uE000\uE001#";

  private static final Map<String, HuggingFaceTokenizer> ORACLES = new ConcurrentHashMap<>();

  private ModelTokenizers() {}

  static Path file(String name) {
    Path path = Path.of("target", "tokenizers", name, "package", "models", "tokenizer.json");
    if (!Files.isRegularFile(path)) {
      throw new IllegalStateException(
          path.toAbsolutePath()
              + " is missing: run the tests through Maven, which fetches the tokenizer fixtures");
    }
    return path;
  }

  static Tokenizer telltale(String name) {
    return Tokenizers.byName(file(name).toString());
  }

  static synchronized HuggingFaceTokenizer oracle(String name) {
    return ORACLES.computeIfAbsent(
        name,
        n -> {
          try {
            return HuggingFaceTokenizer.builder()
                .optTokenizerPath(withoutSpecialTokens(n))
                .optAddSpecialTokens(false)
                .optTruncation(false)
                .build();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  static int[] oracleIds(String name, String text) {
    long[] ids = oracle(name).encode(text).getIds();
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = Math.toIntExact(ids[i]);
    }
    return out;
  }

  static String oracleDecode(String name, int[] ids) {
    long[] longs = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      longs[i] = ids[i];
    }
    return oracle(name).decode(longs, false);
  }

  private static Path withoutSpecialTokens(String name) throws IOException {
    Path out = file(name).resolveSibling("oracle-tokenizer-v2.json");
    if (!Files.exists(out)) {
      ObjectMapper mapper = new ObjectMapper();
      ObjectNode root = (ObjectNode) mapper.readTree(file(name).toFile());
      // The library renumbers added tokens that are not in the model's vocabulary in file order,
      // so such special tokens keep their place under a content no test text contains (private
      // use characters); special tokens of the vocabulary are simply no longer matched.
      JsonNode vocab = root.path("model").path("vocab");
      ArrayNode kept = mapper.createArrayNode();
      for (JsonNode t : root.path("added_tokens")) {
        if (!t.path("special").asBoolean(false)) {
          kept.add(t);
        } else if (vocab.path(t.path("content").asText()).asInt(-1) != t.path("id").asInt()) {
          ((ObjectNode) t).put("content", UNMATCHABLE + t.path("id").asInt());
          kept.add(t);
        }
      }
      root.set("added_tokens", kept);
      Path tmp = Files.createTempFile(out.getParent(), "oracle", ".json");
      mapper.writeValue(tmp.toFile(), root);
      Files.move(tmp, out, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    return out;
  }
}
