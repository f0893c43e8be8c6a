package dev.telltale.spark;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.telltale.embed.WatermarkSession;
import dev.telltale.embed.Watermarker;
import dev.telltale.key.WatermarkKey;
import dev.telltale.text.Tokenizer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes a large JSONL corpus quickly (fixed seed): random-word documents in shards of {@code
 * shardBytes}, every tenth watermarked; the words are single tokens, so watermarking needs no
 * tokenizer call per word.
 */
public final class CorpusWriter {
  private static final String[] WORDS =
      ("the of and to in that is for it as was with be by on not he this are or his from at which"
              + " but have an they you were her she there been one all we their has would when if"
              + " so no will more can who out said do about some what up time into only other new"
              + " council member state report vote house policy market europe union law right")
          .split(" ");
  private static final JsonFactory JSON = new JsonFactory();

  private CorpusWriter() {}

  /** Writes {@code args[1]} MB of corpus into folder {@code args[0]} (key seed 41, kgw). */
  public static void main(String[] args) throws IOException {
    long docs =
        write(
            Path.of(args[0]),
            Long.parseLong(args[1]) << 20,
            16L << 20,
            dev.telltale.text.Tokenizers.cl100kBase(),
            dev.telltale.TestKeys.key(41, dev.telltale.scheme.GreenListParameters.defaults()),
            11);
    System.out.println(docs + " documents");
  }

  /** Returns the documents written. */
  static long write(
      Path dir, long totalBytes, long shardBytes, Tokenizer tok, WatermarkKey key, long seed)
      throws IOException {
    Files.createDirectories(dir);
    int[] ids = new int[WORDS.length];
    for (int i = 0; i < WORDS.length; i++) {
      ids[i] = tok.encode(" " + WORDS[i])[0];
    }
    Watermarker wm = Watermarker.of(key);
    SplittableRandom r = new SplittableRandom(seed);
    long written = 0;
    long docs = 0;
    int shard = 0;
    while (written < totalBytes) {
      Path f = dir.resolve(String.format("shard-%05d.jsonl", shard++));
      long inShard = 0;
      try (BufferedWriter w = Files.newBufferedWriter(f, StandardCharsets.UTF_8)) {
        while (inShard < shardBytes && written + inShard < totalBytes) {
          WatermarkSession s = docs % 10 == 0 ? wm.newSession() : null;
          StringBuilder b = new StringBuilder(1600);
          int n = 150 + r.nextInt(100);
          for (int i = 0; i < n; i++) {
            int word = r.nextInt(WORDS.length);
            if (s != null) {
              for (int t = 0; t < 4; t++) {
                int c = r.nextInt(WORDS.length);
                if (s.isGreen(ids[c]) || t == 3) {
                  word = c;
                  break;
                }
              }
              s.accept(ids[word]);
            }
            b.append(i == 0 ? "" : " ").append(WORDS[word]);
          }
          StringWriter line = new StringWriter(b.length() + 40);
          try (JsonGenerator g = JSON.createGenerator(line)) {
            g.writeStartObject();
            g.writeStringField("id", "d" + docs);
            g.writeStringField("text", b.toString());
            g.writeEndObject();
          }
          w.write(line.toString());
          w.write('\n');
          inShard += line.getBuffer().length() + 1;
          docs++;
        }
      }
      written += inShard;
    }
    return docs;
  }
}
