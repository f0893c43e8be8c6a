package dev.telltale.forensics.scan;

import dev.telltale.embed.WatermarkSession;
import dev.telltale.embed.Watermarker;
import dev.telltale.forensics.corpus.Document;
import dev.telltale.key.WatermarkKey;
import dev.telltale.text.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Small corpora for scan tests: random-word documents, some written under a key's watermark. */
public final class ScanCorpora {
  private static final String[] WORDS =
      ("the of and to in that is for it as was with be by on not he this are or his from at which"
              + " but have an they you were her she there been one all we their has would when if"
              + " so no will more can who out said do about some what up time into only other new"
              + " could than first any my now over these like also very after just most where two"
              + " council member state report vote house policy market europe union law right")
          .split(" ");

  private ScanCorpora() {}

  /** A document of {@code n} words; with a key, each word is the first green of 4 draws. */
  public static String document(
      Tokenizer tok, int n, SplittableRandom r, WatermarkKey keyOrNull, boolean repeatHeavy) {
    StringBuilder b = new StringBuilder();
    WatermarkSession s = keyOrNull == null ? null : Watermarker.of(keyOrNull).newSession();
    for (int i = 0; i < n; i++) {
      String w = WORDS[r.nextInt(repeatHeavy ? 12 : WORDS.length)];
      if (s != null) {
        for (int t = 0; t < 4; t++) {
          String c = WORDS[r.nextInt(WORDS.length)];
          int id = tok.encode(" " + c)[0];
          if (s.isGreen(id) || t == 3) {
            w = c;
            break;
          }
        }
        s.accept(tok.encode(" " + w)[0]);
      }
      b.append(i == 0 ? "" : " ").append(w);
    }
    return b.toString();
  }

  /** {@code total} documents, every {@code every}-th watermarked (0: none). */
  public static List<Document> corpus(
      Tokenizer tok, int total, int every, WatermarkKey key, long seed, int words) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Document> out = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      boolean marked = every > 0 && i % every == 0;
      out.add(Document.of("doc-" + i, document(tok, words, r, marked ? key : null, i % 7 == 3)));
    }
    return out;
  }
}
