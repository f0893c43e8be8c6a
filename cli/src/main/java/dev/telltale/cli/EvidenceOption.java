package dev.telltale.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.evidence.EnvelopeSigner;
import dev.telltale.evidence.EnvelopeWriter;
import dev.telltale.evidence.EvidenceKind;
import dev.telltale.evidence.EvidenceStatement;
import dev.telltale.evidence.KeyCommitment;
import dev.telltale.evidence.RerunCommand;
import dev.telltale.evidence.Subject;
import dev.telltale.key.KeySet;
import dev.telltale.key.SigningKey;
import dev.telltale.key.WatermarkKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code --evidence FILE}, shared by detect, scan, radioactivity and attribute: writes the finding
 * as an in-toto statement in a DSSE envelope signed with the key set's primary signing key.
 */
final class EvidenceOption {
  /** Options dropped from the recorded command: they write files and do not change the result. */
  static final Set<String> NOT_RECORDED = RerunCommand.WRITES_FILES;

  @Option(
      names = "--evidence",
      paramLabel = "FILE",
      description =
          "Also write the finding to FILE as an in-toto statement in a DSSE envelope, signed with"
              + " the key set's primary signing key.")
  Path file;

  boolean requested() {
    return file != null;
  }

  /** Fails before the work when evidence is asked for and the key set cannot sign it. */
  void checkCanSign(KeySet set) {
    if (requested() && set.primarySigningKey().isEmpty()) {
      throw new BadInputException(
          "--evidence needs a signing key in the key set (make a new key set with 'telltale keys"
              + " create')");
    }
  }

  /**
   * Builds, signs and writes the statement. {@code result} is exactly what {@code --json} prints;
   * the statement's key is the key the result names ({@code key_id}, or the first document's).
   */
  void write(
      CommandSpec spec,
      KeySet set,
      EvidenceKind kind,
      String method,
      List<Subject> subjects,
      List<WatermarkKey> tested,
      Function<WatermarkKey, ObjectNode> dedup,
      ObjectNode result) {
    if (!requested()) {
      return;
    }
    SigningKey signingKey = set.primarySigningKey().orElseThrow();
    String named = namedKey(result);
    WatermarkKey key =
        tested.stream().filter(k -> k.id().value().equals(named)).findFirst().orElse(tested.get(0));
    EvidenceStatement st =
        EvidenceStatement.builder(kind)
            .subjects(subjects)
            .method(method)
            .command(recordedCommand(spec))
            .key(KeyCommitment.of(key))
            .keysTested(tested.stream().map(KeyCommitment::of).toList())
            .dedup(dedup.apply(key))
            .result(result)
            .softwareVersion(Telltale.softwareVersion())
            .time(Instant.now())
            .build();
    byte[] bytes = EnvelopeWriter.fileBytes(EnvelopeSigner.of(signingKey).sign(st));
    try {
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new BadInputException("cannot write --evidence '" + file + "': " + e.getMessage(), e);
    }
  }

  private static String namedKey(JsonNode result) {
    if (result.hasNonNull("key_id")) {
      return result.get("key_id").asText();
    }
    JsonNode docs = result.get("documents");
    if (docs != null && docs.size() > 0 && docs.get(0).hasNonNull("key_id")) {
      for (JsonNode d : docs) {
        if ("attributed".equals(d.path("outcome").asText())) {
          return d.get("key_id").asText();
        }
      }
      return docs.get(0).get("key_id").asText();
    }
    return "";
  }

  /**
   * {@code telltale SUBCOMMAND …} as the user typed it, with --evidence, --out and --work (and
   * their values) left out and {@code --json} added, so that it prints the recorded result.
   */
  static List<String> recordedCommand(CommandSpec spec) {
    List<String> original = spec.commandLine().getParseResult().originalArgs();
    int start = original.indexOf(spec.name());
    return RerunCommand.typed(spec.name(), original.subList(start + 1, original.size()));
  }

  /** The subject for text read from {@code source} (a path, or {@code -} / null for stdin). */
  static Subject textSubject(String source, String text) {
    String name = source == null ? "-" : source;
    // Strict UTF-8 decoding round-trips, so these are the bytes that were read.
    return Subject.of(name, text.getBytes(StandardCharsets.UTF_8));
  }

  /** One subject per regular file under {@code roots} (folders walked in sorted order). */
  static List<Subject> fileSubjects(List<Path> roots) {
    List<Subject> out = new ArrayList<>();
    for (Path root : roots) {
      try (Stream<Path> walk = Files.walk(root)) {
        for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
          out.add(Subject.ofFile(p));
        }
      } catch (IOException e) {
        throw new BadInputException("cannot digest '" + root + "': " + e.getMessage(), e);
      }
    }
    return out;
  }
}
