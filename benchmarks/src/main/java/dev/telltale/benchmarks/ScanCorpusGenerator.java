package dev.telltale.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.forensics.corpus.Document;
import dev.telltale.testdata.EuroparlCorpus;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Synthetic human corpora of any size for scan benchmarks: documents of 5–40 English Europarl
 * sentences drawn at random (seeded), so documents share n-grams the way a real corpus does. {@code
 * main(path, megabytes)} writes a JSONL file ({@code id}, {@code text}) for the heap measurement on
 * a multi-GB corpus.
 */
public final class ScanCorpusGenerator {
  private ScanCorpusGenerator() {}

  private static List<String> sentences() {
    List<String> out = new ArrayList<>();
    for (String doc : EuroparlCorpus.load().english()) {
      for (String s : doc.split("(?<=[.!?])\\s+")) {
        if (s.length() > 20) {
          out.add(s);
        }
      }
    }
    return out;
  }

  private static String document(List<String> sentences, SplittableRandom r) {
    int n = 5 + r.nextInt(36);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : " ").append(sentences.get(r.nextInt(sentences.size())));
    }
    return b.toString();
  }

  /** Documents totalling at least {@code chars} characters. */
  static List<Document> documents(long chars, long seed) {
    List<String> s = sentences();
    SplittableRandom r = new SplittableRandom(seed);
    List<Document> out = new ArrayList<>();
    long total = 0;
    while (total < chars) {
      String t = document(s, r);
      out.add(Document.of("doc-" + out.size(), t));
      total += t.length();
    }
    return out;
  }

  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[0]);
    long bytes = Long.parseLong(args[1]) << 20;
    List<String> s = sentences();
    SplittableRandom r = new SplittableRandom(1);
    ObjectMapper json = new ObjectMapper();
    long written = 0;
    long docs = 0;
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      while (written < bytes) {
        String line =
            json.writeValueAsString(Map.of("id", "doc-" + docs++, "text", document(s, r)));
        w.write(line);
        w.newLine();
        written += line.length() + 1;
      }
    }
    System.out.printf("%s: %d documents, %d bytes%n", file, docs, written);
  }
}
