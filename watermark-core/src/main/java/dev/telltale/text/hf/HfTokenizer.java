package dev.telltale.text.hf;

import dev.telltale.text.Deadline;
import dev.telltale.text.SafeSplits;
import dev.telltale.text.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A Hugging Face {@code tokenizer.json} with a BPE model (byte-level BPE as in GPT-2, Llama 3 and
 * Qwen; SentencePiece-style BPE with byte fallback as in Llama 2 and Gemma), in pure Java and
 * id-for-id equal to the Hugging Face tokenizers library without special tokens added ({@code
 * add_special_tokens=false}, post-processor not applied).
 *
 * <p><b>Special tokens in text are ordinary text.</b> Added tokens marked {@code special} (BOS,
 * EOS, chat-template markers…) are not matched in the text being encoded: a suspect text containing
 * {@code <|begin_of_text|>} is tokenized as those characters, so nobody can inject control tokens
 * into a detection. Non-special added tokens are matched as the library does. Decoding renders
 * every id, special or not, as its text.
 */
public final class HfTokenizer implements Tokenizer {
  /** Characters of pieces encoded between two looks at a deadline. */
  private static final int CHECK_CHARS = 4096;

  private final String name;
  private final String sha256;
  private final AddedTokens added;
  private final String[] addedContent;
  private final UnaryOperator<String> normalizer;
  private final List<PreTokenizers.Step> preTokenizer;
  private final BpeModel model;
  private final UnaryOperator<List<String>> decoder;
  private final int vocabSize;
  // Whether SafeSplits' cut rule holds: no normalizer, no added token matched in text, and the
  // cl100k pattern (Llama 3's, or Qwen's with single digits) as the only pre-tokenizer step.
  private final boolean tiktokenCuts;

  HfTokenizer(
      String name,
      String sha256,
      AddedTokens added,
      String[] addedContent,
      UnaryOperator<String> normalizer,
      List<PreTokenizers.Step> preTokenizer,
      BpeModel model,
      UnaryOperator<List<String>> decoder) {
    this.name = name;
    this.sha256 = sha256;
    this.added = added;
    this.addedContent = addedContent;
    this.normalizer = normalizer;
    this.preTokenizer = preTokenizer;
    this.model = model;
    this.decoder = decoder;
    this.vocabSize = Math.max(model.size(), addedContent.length);
    this.tiktokenCuts =
        normalizer == Normalizers.NONE
            && added.isEmpty()
            && preTokenizer.size() == 1
            && preTokenizer.get(0) instanceof Llama3Splitter;
    for (int id = 0; id < vocabSize; id++) {
      if (model.token(id) == null && (id >= addedContent.length || addedContent[id] == null)) {
        throw new UnsupportedTokenizerException("token id " + id + " has no token");
      }
    }
  }

  /**
   * Reads {@code path}; {@code name} is how results name it (the path as the user gave it).
   *
   * @throws UnsupportedTokenizerException if the file is not a tokenizer this class reproduces
   */
  public static HfTokenizer load(String name, Path path) throws IOException {
    return TokenizerJsonReader.read(name, path);
  }

  /** The same tokenizer (sharing every table) under another name. */
  public HfTokenizer withName(String newName) {
    return newName.equals(name)
        ? this
        : new HfTokenizer(
            newName, sha256, added, addedContent, normalizer, preTokenizer, model, decoder);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Optional<String> fileSha256() {
    return Optional.of(sha256);
  }

  /**
   * Ids below this are the BPE model's vocabulary; the added tokens (special or not) are usually
   * numbered after it. A generator that must emit only ordinary text stays below it.
   */
  public int modelVocabSize() {
    return model.size();
  }

  @Override
  public int vocabSize() {
    return vocabSize;
  }

  @Override
  public int[] encode(String text) {
    return encode(text, Deadline.NONE);
  }

  /**
   * {@link SafeSplits}' rule where this tokenizer splits as cl100k_base does before BPE (Llama 3,
   * and Qwen without a normalizer): BPE then sees the same pieces on either side of the cut. False
   * for every other tokenizer.json.
   */
  @Override
  public boolean isSafeCut(CharSequence text, int p) {
    return tiktokenCuts && SafeSplits.isSafeCut(text, p);
  }

  /**
   * Checks {@code deadline} between the pre-tokenizer's pieces (every few thousand characters of
   * them), which BPE encodes one by one: the ids are those of {@link #encode(String)}. A tokenizer
   * without a pre-tokenizer has one piece per segment, checked before and after.
   */
  @Override
  public int[] encode(String text, Deadline deadline) {
    deadline.check();
    String clean = Utf8.replaceLoneSurrogates(text);
    IdBuffer out = new IdBuffer(clean.length() / 3 + 8);
    if (added.isEmpty()) {
      encodeSegment(clean, out, deadline);
      deadline.check();
      return out.toArray();
    }
    int from = 0;
    for (int i = 0; i < clean.length(); i++) {
      long match = added.longestAt(clean, i);
      if (match >= 0) {
        encodeSegment(clean.substring(from, i), out, deadline);
        out.add((int) match);
        from = (int) (match >>> 32);
        i = from - 1;
      }
    }
    encodeSegment(clean.substring(from), out, deadline);
    deadline.check();
    return out.toArray();
  }

  private void encodeSegment(String segment, IdBuffer out, Deadline deadline) {
    if (segment.isEmpty()) {
      return;
    }
    List<String> pieces = List.of(normalizer.apply(segment));
    for (PreTokenizers.Step step : preTokenizer) {
      List<String> next = new ArrayList<>(Math.max(8, segment.length() / 4));
      for (String piece : pieces) {
        step.split(piece, next);
      }
      pieces = next;
    }
    int sinceCheck = 0;
    for (String piece : pieces) {
      model.encodeWord(piece, out);
      sinceCheck += piece.length();
      if (sinceCheck >= CHECK_CHARS) {
        deadline.check();
        sinceCheck = 0;
      }
    }
  }

  @Override
  public String decode(int[] ids, int off, int len) {
    List<String> tokens = new ArrayList<>(len);
    for (int i = off; i < off + len; i++) {
      tokens.add(token(ids[i]));
    }
    return String.join("", decoder.apply(tokens));
  }

  /** The token string of {@code id}; an id outside the vocabulary is a clear error. */
  public String token(int id) {
    if (id >= 0 && id < addedContent.length && addedContent[id] != null) {
      return addedContent[id];
    }
    String token = model.token(id);
    if (token == null) {
      throw new IllegalArgumentException(
          "token id "
              + id
              + " is outside the vocabulary of "
              + name
              + " (0.."
              + (vocabSize - 1)
              + ")");
    }
    return token;
  }

  @Override
  public String toString() {
    return "HfTokenizer[" + name + ", sha256=" + sha256 + ", vocab=" + vocabSize + "]";
  }
}
