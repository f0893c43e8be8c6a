package dev.telltale.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.evidence.CanonicalJson;
import dev.telltale.evidence.EvidenceStatement;
import dev.telltale.evidence.EvidenceVerification;
import dev.telltale.evidence.EvidenceVerification.Reason;
import dev.telltale.evidence.KeyCommitment;
import dev.telltale.evidence.RerunCommand;
import dev.telltale.evidence.Subject;
import dev.telltale.key.KeySet;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;

/**
 * Re-executes a verified statement's recorded command with a given key set and compares results:
 * the key set must hold every key the statement commits to (KEY_MISMATCH), each recorded input must
 * be at its recorded path with its recorded digest (DIGEST_MISMATCH), and the command's {@code
 * --json} output must equal the recorded result in canonical form (RERUN_MISMATCH). Only the
 * subcommand of the statement's kind runs, and never with options that write files ({@link
 * RerunCommand#arguments}). An input the finding read from standard input ({@code -}) is fed from
 * the {@code --subject} file with its digest.
 */
final class Rerun {
  /** A recorded standard input fed to the re-run command in place of the real one. */
  static final ThreadLocal<InputStream> FED_STDIN = new ThreadLocal<>();

  private Rerun() {}

  static EvidenceVerification check(EvidenceStatement st, Path keysFile) {
    return check(st, keysFile, List.of());
  }

  static EvidenceVerification check(EvidenceStatement st, Path keysFile, List<Path> given) {
    KeySet keys = KeysCommand.load(keysFile);
    for (KeyCommitment c : st.keysTested()) {
      if (keys.keys().stream().noneMatch(c::matches)) {
        return EvidenceVerification.of(
            Reason.KEY_MISMATCH,
            "the key set has no key matching the commitment to '" + c.keyId() + "'");
      }
    }
    byte[] stdin = null;
    for (Subject s : st.subjects()) {
      if (s.name().equals("-")) {
        Path from = fromGiven(s, given);
        stdin = BoundedFile.read(from, InputText.MAX_BYTES, "--subject");
        if (!Subject.of("-", stdin).sha256().equals(s.sha256())) {
          return EvidenceVerification.of(
              Reason.DIGEST_MISMATCH, "--subject '" + from + "' changed while it was read");
        }
        continue;
      }
      Path p = Path.of(s.name());
      if (!Files.isRegularFile(p)) {
        throw new BadInputException(
            "recorded input '" + s.name() + "' is not here (run from the folder of the finding)");
      }
      try {
        if (!Subject.sha256Hex(p).equals(s.sha256())) {
          return EvidenceVerification.of(
              Reason.DIGEST_MISMATCH, "recorded input '" + s.name() + "' has changed");
        }
      } catch (IOException e) {
        throw new BadInputException("cannot read '" + s.name() + "': " + e.getMessage(), e);
      }
    }
    String recordedTokenizer = st.result().path("tokenizer_sha256").asText("");
    if (!recordedTokenizer.isEmpty()) {
      String name = st.result().path("tokenizer").asText();
      String now = DetectCommand.tokenizer(name).fileSha256().orElse("");
      if (!now.equals(recordedTokenizer)) {
        return EvidenceVerification.of(
            Reason.RERUN_MISMATCH,
            "tokenizer file '" + name + "' has changed since the finding (sha256 " + now + ")");
      }
    }
    List<String> args = arguments(st, keysFile);
    CommandLine cl = Telltale.newCommandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code;
    FED_STDIN.set(stdin == null ? null : new ByteArrayInputStream(stdin));
    try {
      code = cl.execute(args.toArray(String[]::new));
    } finally {
      FED_STDIN.remove();
    }
    if (code != ExitCode.OK && code != ExitCode.NOT_DETECTED) {
      return EvidenceVerification.of(
          Reason.RERUN_MISMATCH, "the re-run failed: " + err.toString().strip());
    }
    JsonNode again;
    try {
      again = new ObjectMapper().readTree(out.toString());
    } catch (IOException e) {
      return EvidenceVerification.of(Reason.RERUN_MISMATCH, "the re-run printed no JSON");
    }
    if (again == null || !CanonicalJson.string(again).equals(CanonicalJson.string(st.result()))) {
      return EvidenceVerification.of(
          Reason.RERUN_MISMATCH, "re-running the recorded command gave a different result");
    }
    return EvidenceVerification.of(Reason.VALID, "re-running it gave the same result");
  }

  /** The {@code --subject} file whose digest is the recorded standard input's. */
  private static Path fromGiven(Subject s, List<Path> given) {
    Optional<Path> match =
        given.stream()
            .filter(
                p -> {
                  try {
                    return Subject.sha256Hex(p).equals(s.sha256());
                  } catch (IOException e) {
                    return false;
                  }
                })
            .findFirst();
    return match.orElseThrow(
        () ->
            new BadInputException(
                "the finding read standard input; give that input with --subject FILE"));
  }

  /** The recorded command with --keys pointing at {@code keysFile}; refuses anything else. */
  static List<String> arguments(EvidenceStatement st, Path keysFile) {
    try {
      return RerunCommand.arguments(st.kind(), st.command(), keysFile.toString());
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage());
    }
  }
}
