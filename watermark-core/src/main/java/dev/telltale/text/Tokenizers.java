package dev.telltale.text;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The tokenizers detection can use, by name: tiktoken encodings through jtokkit. */
public final class Tokenizers {
  public static final String CL100K_BASE = "cl100k_base";
  public static final String O200K_BASE = "o200k_base";

  private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();
  private static final Map<String, Tokenizer> CACHE = new ConcurrentHashMap<>();

  private Tokenizers() {}

  /** Names accepted by {@link #byName}. */
  public static List<String> names() {
    return List.of(CL100K_BASE, O200K_BASE);
  }

  public static Tokenizer cl100kBase() {
    return byName(CL100K_BASE);
  }

  public static Tokenizer o200kBase() {
    return byName(O200K_BASE);
  }

  /** The tokenizer called {@code name}; unknown names are an {@link IllegalArgumentException}. */
  public static Tokenizer byName(String name) {
    return CACHE.computeIfAbsent(
        name,
        n ->
            switch (n) {
              // n_vocab of the encodings: mergeable ranks plus special tokens.
              case CL100K_BASE ->
                  new Tiktoken(n, REGISTRY.getEncoding(EncodingType.CL100K_BASE), 100_277);
              case O200K_BASE ->
                  new Tiktoken(n, REGISTRY.getEncoding(EncodingType.O200K_BASE), 200_019);
              default ->
                  throw new IllegalArgumentException(
                      "unknown tokenizer '" + n + "'; known: " + String.join(", ", names()));
            });
  }

  private record Tiktoken(String name, Encoding encoding, int vocabSize) implements Tokenizer {
    @Override
    public int[] encode(String text) {
      return encoding.encodeOrdinary(text).toArray();
    }

    @Override
    public String decode(int[] ids, int off, int len) {
      IntArrayList list = new IntArrayList(len);
      for (int i = off; i < off + len; i++) {
        list.add(ids[i]);
      }
      return new String(encoding.decodeBytes(list), StandardCharsets.UTF_8);
    }
  }
}
