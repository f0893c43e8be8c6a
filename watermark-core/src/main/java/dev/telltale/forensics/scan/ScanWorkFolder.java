package dev.telltale.forensics.scan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.forensics.corpus.CorpusFingerprint;
import dev.telltale.forensics.corpus.CorpusInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The claim a scan lays on its work folder: {@value #MANIFEST} records the corpus fingerprint
 * ({@link CorpusFingerprint}) and the options that shape the result. A later scan of the same
 * corpus with the same options resumes there; any other is refused, since it would pool the old
 * spill into its own test or "resume" the wrong scan. A folder holding work files but no manifest
 * is refused too.
 */
final class ScanWorkFolder {
  static final String MANIFEST = "scan.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ScanWorkFolder() {}

  /**
   * Claims {@code workDir} for a scan of the corpus {@code fingerprint} with {@code options}.
   *
   * @throws CorpusInputException when the folder belongs to another corpus, other options, or an
   *     unrecorded scan
   */
  static void claim(Path workDir, String fingerprint, Map<String, String> options)
      throws IOException {
    Path manifest = workDir.resolve(MANIFEST);
    if (Files.exists(manifest)) {
      JsonNode m;
      try {
        m = JSON.readTree(manifest.toFile());
      } catch (IOException e) {
        throw new CorpusInputException("damaged scan manifest: " + manifest, e);
      }
      if (m == null || m.path("version").asInt() != 1) {
        throw new CorpusInputException("damaged scan manifest: " + manifest);
      }
      if (!fingerprint.equals(m.path("corpus_fingerprint").asText())) {
        throw new CorpusInputException(
            "the work folder "
                + workDir
                + " holds a scan of another corpus (its files, sizes, modification times or"
                + " contents differ); use an empty folder, or delete this one to start over");
      }
      List<String> differ = new ArrayList<>();
      JsonNode recorded = m.path("options");
      for (Map.Entry<String, String> e : options.entrySet()) {
        String was = recorded.path(e.getKey()).asText(null);
        if (!e.getValue().equals(was)) {
          differ.add(e.getKey() + " " + was + " -> " + e.getValue());
        }
      }
      for (Iterator<String> it = recorded.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (!options.containsKey(k)) {
          differ.add(k + " " + recorded.get(k).asText() + " -> (none)");
        }
      }
      if (!differ.isEmpty()) {
        throw new CorpusInputException(
            "the work folder "
                + workDir
                + " holds a scan with other options ("
                + String.join(", ", differ)
                + "); use an empty folder, or delete this one to start over");
      }
      return;
    }
    try (Stream<Path> entries = Files.list(workDir)) {
      if (entries.findAny().isPresent()) {
        throw new CorpusInputException(
            "the work folder "
                + workDir
                + " is not empty and records no scan; use an empty folder for --work");
      }
    }
    ObjectNode m = JSON.createObjectNode();
    m.put("version", 1);
    m.put("corpus_fingerprint", fingerprint);
    ObjectNode o = m.putObject("options");
    options.forEach(o::put);
    Path tmp = workDir.resolve(MANIFEST + ".tmp");
    Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(m));
    Files.move(tmp, manifest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
