package dev.telltale.service;

import dev.telltale.forensics.corpus.Document;
import dev.telltale.forensics.corpus.DocumentSource;
import dev.telltale.forensics.corpus.MalformedLine;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * An uploaded corpus as its uploader knows it: core names a document without a JSONL {@code id}
 * after its file ({@code /data/scans/ID/corpus.jsonl:12}), which would show the server's data path
 * in results, the documents list and malformed-line reports. Here that file is called by the name
 * its scan finding gives the upload ({@code upload.jsonl:12} for line 12, {@code upload.txt} for a
 * plain-text upload), so {@code telltale scan} on a file of that name names documents alike; ids
 * from the JSONL {@code id} field are kept. Deterministic, so a resumed scan names documents as
 * before.
 */
final class UploadNames implements DocumentSource {
  static final String NAME = "upload";

  private final DocumentSource source;
  private final String file;
  private final String name;

  UploadNames(DocumentSource source, String file, String name) {
    this.source = source;
    this.file = file;
    this.name = name;
  }

  @Override
  public Optional<Document> next() throws IOException {
    return source.next().map(d -> new Document(rename(d.id()), d.text(), d.bytes()));
  }

  @Override
  public List<MalformedLine> malformed() {
    return source.malformed().stream()
        .map(m -> new MalformedLine(rename(m.source()), m.line(), m.reason()))
        .toList();
  }

  @Override
  public long malformedCount() {
    return source.malformedCount();
  }

  @Override
  public String fingerprint() throws IOException {
    return source.fingerprint();
  }

  @Override
  public void close() throws IOException {
    source.close();
  }

  private String rename(String id) {
    if (id.equals(file)) {
      return name;
    }
    if (id.startsWith(file + ":")) {
      return name + id.substring(file.length());
    }
    return id;
  }
}
