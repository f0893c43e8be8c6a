package dev.telltale.forensics.corpus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Documents from files and folders, streamed: JSONL files one line at a time, other files one
 * document each. Text must be UTF-8; a file that is not (or contains NUL characters) is a binary
 * file and stops the scan with a {@link CorpusInputException}, as does a JSONL record without the
 * text field. Lines that are not JSON objects are skipped and counted with their line numbers.
 */
final class CorpusFiles implements DocumentSource {
  /** A plain-text file is one document held in memory; larger ones must be split (or JSONL). */
  static final long MAX_PLAIN_DOCUMENT_BYTES = 64L << 20;

  /**
   * Longest JSONL line kept, in characters: a longer line (a file without newlines, say) is skipped
   * without being held in memory and counted as malformed.
   */
  static final int MAX_LINE_CHARS = 16 << 20;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** What {@link #readLine} returns for a line longer than the limit (compared by identity). */
  private static final String TOO_LONG = new String("line too long");

  /** Opens a corpus file by name: the local file system, or another one (the Spark job's). */
  interface Opener {
    InputStream open(String name) throws IOException;
  }

  private final List<String> files;
  private final Opener opener;
  private final String field;
  private final boolean local;
  private final List<MalformedLine> malformed = new ArrayList<>();
  private long malformedCount;
  private int nextFile;
  private java.io.Reader jsonl;
  private final char[] buf = new char[1 << 16];
  private int pos;
  private int lim;
  private boolean skipLf;
  private String jsonlName;
  private long lineNumber;
  int maxLineChars = MAX_LINE_CHARS;
  private final long firstFileLinesBefore;

  CorpusFiles(List<Path> roots, String field) {
    if (field == null || field.isEmpty()) {
      throw new CorpusInputException("the JSONL text field name must not be empty");
    }
    if (roots.isEmpty()) {
      throw new CorpusInputException("no corpus files or folders given");
    }
    this.field = field;
    this.files = expand(roots).stream().map(Path::toString).toList();
    this.opener = CorpusFiles::openLocal;
    this.firstFileLinesBefore = 0;
    this.local = true;
  }

  CorpusFiles(List<String> names, Opener opener, String field) {
    this(names, opener, field, 0);
  }

  /** {@code firstFileLinesBefore}: lines of the first file before the bytes its opener gives. */
  CorpusFiles(List<String> names, Opener opener, String field, long firstFileLinesBefore) {
    if (field == null || field.isEmpty()) {
      throw new CorpusInputException("the JSONL text field name must not be empty");
    }
    this.field = field;
    this.files = List.copyOf(names);
    this.opener = opener;
    this.firstFileLinesBefore = firstFileLinesBefore;
    this.local = false;
  }

  @Override
  public String fingerprint() throws IOException {
    if (!local) {
      return "";
    }
    return CorpusFingerprint.ofFiles(files.stream().map(Path::of).toList(), field);
  }

  private static InputStream openLocal(String name) throws IOException {
    try {
      return Files.newInputStream(Path.of(name));
    } catch (NoSuchFileException e) {
      throw new CorpusInputException("no such file: " + name, e);
    }
  }

  static List<Path> expand(List<Path> roots) {
    List<Path> out = new ArrayList<>();
    for (Path root : roots) {
      if (Files.isDirectory(root)) {
        try (Stream<Path> walk = Files.walk(root)) {
          walk.filter(Files::isRegularFile)
              .filter(p -> !p.getFileName().toString().startsWith("."))
              .sorted()
              .forEach(out::add);
        } catch (IOException | UncheckedIOException e) {
          throw new CorpusInputException("cannot list folder " + root + ": " + e.getMessage(), e);
        }
      } else if (Files.isRegularFile(root)) {
        out.add(root);
      } else {
        throw new CorpusInputException("no such file or folder: " + root);
      }
    }
    return List.copyOf(out);
  }

  @Override
  public Optional<Document> next() throws IOException {
    while (true) {
      if (jsonl != null) {
        Optional<Document> d = nextLine();
        if (d.isPresent()) {
          return d;
        }
        jsonl.close();
        jsonl = null;
      }
      if (nextFile >= files.size()) {
        return Optional.empty();
      }
      String file = files.get(nextFile++);
      String name = file.substring(file.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
      boolean gz = name.endsWith(".gz");
      String base = gz ? name.substring(0, name.length() - 3) : name;
      if (base.endsWith(".jsonl") || base.endsWith(".ndjson")) {
        jsonl = new InputStreamReader(open(file, gz), strictUtf8());
        pos = 0;
        lim = 0;
        skipLf = false;
        jsonlName = file;
        lineNumber = nextFile == 1 ? firstFileLinesBefore : 0;
      } else {
        return Optional.of(plain(file, gz));
      }
    }
  }

  private Optional<Document> nextLine() throws IOException {
    String line;
    while ((line = readLine()) != null) {
      lineNumber++;
      if (line == TOO_LONG) {
        malformed("longer than " + maxLineChars + " characters");
        continue;
      }
      if (line.isBlank()) {
        continue;
      }
      checkText(line, jsonlName);
      JsonNode node;
      try {
        node = JSON.readTree(line);
      } catch (JsonProcessingException e) {
        malformed("not valid JSON");
        continue;
      }
      if (node == null || !node.isObject()) {
        malformed("not a JSON object");
        continue;
      }
      JsonNode text = node.get(field);
      if (text == null || text.isNull()) {
        throw new CorpusInputException(
            jsonlName + " line " + lineNumber + ": no field \"" + field + "\" (see --field)");
      }
      if (!text.isTextual()) {
        malformed("field \"" + field + "\" is not a string");
        continue;
      }
      if (hasLoneSurrogate(text.textValue())) {
        // An escaped half of a surrogate pair is no Unicode text: refused, as the service's JSON
        // routes refuse it, rather than digested or tokenized as U+FFFD on some paths.
        malformed("field \"" + field + "\" holds a lone surrogate");
        continue;
      }
      JsonNode id = node.get("id");
      String docId =
          id != null && (id.isTextual() || id.isIntegralNumber())
              ? id.asText()
              : jsonlName + ":" + lineNumber;
      return Optional.of(new Document(docId, text.asText(), line.length() + 1L));
    }
    return Optional.empty();
  }

  private String readLine() throws IOException {
    try {
      return boundedLine();
    } catch (CharacterCodingException e) {
      throw notText(jsonlName);
    } catch (ZipException | java.io.EOFException e) {
      throw new CorpusInputException(jsonlName + " is not valid gzip: " + e.getMessage(), e);
    }
  }

  /**
   * The next line without its terminator ({@code \n}, {@code \r\n} or {@code \r}, as {@link
   * java.io.BufferedReader#readLine}), null at the end, or {@link #TOO_LONG} after skipping a line
   * longer than {@link #maxLineChars}: at most that many characters are ever held. A NUL character
   * stops the read at once (a binary file, such as a sparse one, is refused without reading it
   * all).
   */
  private String boundedLine() throws IOException {
    StringBuilder line = null;
    boolean tooLong = false;
    boolean any = false;
    while (true) {
      if (pos >= lim) {
        int n = jsonl.read(buf, 0, buf.length);
        pos = 0;
        lim = Math.max(n, 0);
        if (n <= 0) {
          if (!any) {
            return null;
          }
          return tooLong ? TOO_LONG : line == null ? "" : line.toString();
        }
      }
      if (skipLf) {
        skipLf = false;
        if (buf[pos] == '\n') {
          pos++;
          continue;
        }
      }
      any = true;
      int start = pos;
      char c = 0;
      while (pos < lim && (c = buf[pos]) != '\n' && c != '\r' && c != '\u0000') {
        pos++;
      }
      if (pos < lim && c == '\u0000') {
        throw notText(jsonlName);
      }
      int n = pos - start;
      if (!tooLong) {
        if ((line == null ? 0 : line.length()) + (long) n > maxLineChars) {
          tooLong = true;
          line = null;
        } else if (n > 0) {
          if (line == null) {
            line = new StringBuilder(Math.max(n, 64));
          }
          line.append(buf, start, n);
        }
      }
      if (pos < lim) {
        pos++;
        skipLf = c == '\r';
        return tooLong ? TOO_LONG : line == null ? "" : line.toString();
      }
    }
  }

  static boolean hasLoneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return true;
        }
      } else if (Character.isLowSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  private void malformed(String reason) {
    malformedCount++;
    if (malformed.size() < MAX_REMEMBERED_MALFORMED) {
      malformed.add(new MalformedLine(jsonlName, lineNumber, reason));
    }
  }

  private Document plain(String file, boolean gz) throws IOException {
    byte[] bytes;
    try (InputStream in = open(file, gz)) {
      bytes = in.readNBytes((int) MAX_PLAIN_DOCUMENT_BYTES + 1);
    } catch (ZipException | java.io.EOFException e) {
      throw new CorpusInputException(file + " is not valid gzip: " + e.getMessage(), e);
    }
    if (bytes.length > MAX_PLAIN_DOCUMENT_BYTES) {
      throw new CorpusInputException(
          file + " is larger than 64 MB as one document; split it or use JSONL");
    }
    String text;
    try {
      text = strictUtf8().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw notText(file);
    }
    checkText(text, file);
    return new Document(file, text, bytes.length);
  }

  private InputStream open(String file, boolean gz) throws IOException {
    InputStream in = opener.open(file);
    if (!gz) {
      return in;
    }
    try {
      return new GZIPInputStream(in, 1 << 16);
    } catch (ZipException | java.io.EOFException e) {
      in.close();
      throw new CorpusInputException(file + " is not valid gzip: " + e.getMessage(), e);
    }
  }

  private static void checkText(String s, String where) {
    if (s.indexOf('\u0000') >= 0) {
      throw notText(where);
    }
  }

  private static CorpusInputException notText(String where) {
    return new CorpusInputException(where + " is binary or not UTF-8 text");
  }

  private static CharsetDecoder strictUtf8() {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
  }

  @Override
  public List<MalformedLine> malformed() {
    return List.copyOf(malformed);
  }

  @Override
  public long malformedCount() {
    return malformedCount;
  }

  @Override
  public void close() throws IOException {
    if (jsonl != null) {
      jsonl.close();
      jsonl = null;
    }
  }
}
