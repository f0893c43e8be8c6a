package dev.telltale.forensics.corpus;

import java.util.Objects;

/**
 * One document of a corpus: an identifier for the results (a file path, {@code file:line}, or the
 * JSONL {@code id} field) and its text.
 *
 * @param id identifier reported in scan results
 * @param text the document's text
 * @param bytes the size of the document in its source (UTF-8 bytes), for throughput figures
 */
public record Document(String id, String text, long bytes) {
  public Document {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(text, "text");
  }

  public static Document of(String id, String text) {
    return new Document(id, text, text.length());
  }
}
