package dev.telltale.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.embed.WatermarkSession;
import dev.telltale.embed.Watermarker;
import dev.telltale.forensics.corpus.Document;
import dev.telltale.key.WatermarkKey;
import dev.telltale.text.Tokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Generated corpora: random-word documents, every few written under a key's watermark. */
final class Corpora {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] WORDS =
      ("the of and to in that is for it as was with be by on not he this are or his from at which"
              + " but have an they you were her she there been one all we their has would when if"
              + " so no will more can who out said do about some what up time into only other new"
              + " council member state report vote house policy market europe union law right")
          .split(" ");

  private Corpora() {}

  /** {@code total} documents of {@code words} words, every {@code every}-th watermarked. */
  static List<Document> documents(
      Tokenizer tok, int total, int every, WatermarkKey key, long seed, int words) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Document> out = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      WatermarkSession s = i % every == 0 ? Watermarker.of(key).newSession() : null;
      StringBuilder b = new StringBuilder();
      for (int w = 0; w < words; w++) {
        // Some documents draw from few words: tuples repeat across documents.
        String word = WORDS[r.nextInt(i % 5 == 2 ? 10 : WORDS.length)];
        if (s != null) {
          for (int t = 0; t < 4; t++) {
            String c = WORDS[r.nextInt(WORDS.length)];
            if (s.isGreen(tok.encode(" " + c)[0]) || t == 3) {
              word = c;
              break;
            }
          }
          s.accept(tok.encode(" " + word)[0]);
        }
        b.append(w == 0 ? "" : " ").append(word);
      }
      out.add(Document.of("doc-" + i, b.toString()));
    }
    return out;
  }

  /** Writes documents as JSONL ({@code id}, {@code text}). */
  static Path jsonl(Path file, List<Document> docs) throws IOException {
    StringBuilder b = new StringBuilder();
    for (Document d : docs) {
      ObjectNode o = JSON.createObjectNode();
      o.put("id", d.id());
      o.put("text", d.text());
      b.append(o).append('\n');
    }
    Files.createDirectories(file.getParent());
    return Files.writeString(file, b, StandardCharsets.UTF_8);
  }

  /** Writes one text file per document into {@code dir}. */
  static Path textFiles(Path dir, List<Document> docs) throws IOException {
    Files.createDirectories(dir);
    for (Document d : docs) {
      Files.writeString(dir.resolve(d.id() + ".txt"), d.text(), StandardCharsets.UTF_8);
    }
    return dir;
  }
}
