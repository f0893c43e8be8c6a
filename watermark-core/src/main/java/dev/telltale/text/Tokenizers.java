package dev.telltale.text;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import dev.telltale.text.hf.HfTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tokenizers detection can use, by name: the tiktoken encodings through jtokkit, and any
 * Hugging Face {@code tokenizer.json} by its path ({@link HfTokenizer}). Each is loaded once per
 * process (a file again only if its size or modification time changes).
 */
public final class Tokenizers {
  public static final String CL100K_BASE = "cl100k_base";
  public static final String O200K_BASE = "o200k_base";

  private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();
  private static final Map<String, Tokenizer> CACHE = new ConcurrentHashMap<>();
  private static final Map<FileKey, HfTokenizer> FILES = new ConcurrentHashMap<>();

  private record FileKey(Path path, long size, FileTime modified) {}

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

  /**
   * The tokenizer called {@code name}: a built-in encoding, or else the path of a {@code
   * tokenizer.json} (named as given). An unknown name, an unreadable file or an unsupported
   * tokenizer is an {@link IllegalArgumentException} saying which.
   */
  public static Tokenizer byName(String name) {
    if (!names().contains(name) && isTokenizerFile(name)) {
      return fromFile(name);
    }
    return CACHE.computeIfAbsent(
        name,
        n ->
            switch (n) {
              // n_vocab of the encodings: mergeable ranks plus special tokens.
              case CL100K_BASE ->
                  new Tiktoken(
                      n,
                      REGISTRY.getEncoding(EncodingType.CL100K_BASE),
                      100_277,
                      TiktokenBpe.cl100kBase());
              case O200K_BASE ->
                  new Tiktoken(n, REGISTRY.getEncoding(EncodingType.O200K_BASE), 200_019, null);
              default ->
                  throw new IllegalArgumentException(
                      "unknown tokenizer '"
                          + n
                          + "'; known: "
                          + String.join(", ", names())
                          + ", or the path of a Hugging Face tokenizer.json");
            });
  }

  /** Whether {@code name} is meant as a file: it names an existing file or ends in .json. */
  public static boolean isTokenizerFile(String name) {
    if (name.endsWith(".json")) {
      return true;
    }
    try {
      return Files.isRegularFile(Path.of(name));
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static Tokenizer fromFile(String name) {
    Path path;
    FileKey key;
    try {
      path = Path.of(name).toAbsolutePath().normalize();
      key = new FileKey(path, Files.size(path), Files.getLastModifiedTime(path));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("cannot read tokenizer file '" + name + "': " + e, e);
    }
    HfTokenizer loaded =
        FILES.computeIfAbsent(
            key,
            k -> {
              try {
                return HfTokenizer.load(name, k.path());
              } catch (IOException e) {
                throw new IllegalArgumentException(
                    "cannot read tokenizer file '" + name + "': " + e, e);
              }
            });
    return loaded.withName(name);
  }

  /**
   * A tiktoken encoding: jtokkit's, or where {@code fast} is given (cl100k_base) Telltale's own
   * encoder of the same ranks, which gives jtokkit's ids about twice as fast; jtokkit still
   * decodes.
   */
  private record Tiktoken(String name, Encoding encoding, int vocabSize, TiktokenBpe fast)
      implements Tokenizer {
    @Override
    public int[] encode(String text) {
      return fast != null ? fast.encode(text) : encoding.encodeOrdinary(text).toArray();
    }

    @Override
    public boolean isSafeCut(CharSequence text, int p) {
      return SafeSplits.isSafeCut(text, p);
    }

    /** In chunks cut where the encoding's pieces are sure to end ({@link SafeSplits}). */
    @Override
    public int[] encode(String text, Deadline deadline) {
      return SafeSplits.encodeInChunks(text, SafeSplits.CHUNK_CHARS, deadline, this::encode);
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
