package dev.telltale.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.evidence.CanonicalJson;
import dev.telltale.evidence.EvidenceKind;
import dev.telltale.evidence.EvidenceStatement;
import dev.telltale.evidence.EvidenceVerification;
import dev.telltale.evidence.EvidenceVerification.Reason;
import dev.telltale.evidence.KeyCommitment;
import dev.telltale.evidence.Subject;
import dev.telltale.key.KeySet;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * Re-executes a verified statement's recorded command with a given key set and compares results:
 * the key set must hold every key the statement commits to (KEY_MISMATCH), each recorded input must
 * be at its recorded path with its recorded digest (DIGEST_MISMATCH), and the command's {@code
 * --json} output must equal the recorded result in canonical form (RERUN_MISMATCH). Only the
 * subcommand of the statement's kind runs, and never with options that write files.
 */
final class Rerun {
  private static final Map<EvidenceKind, String> SUBCOMMAND =
      Map.of(
          EvidenceKind.DETECTION, "detect",
          EvidenceKind.SCAN, "scan",
          EvidenceKind.RADIOACTIVITY, "radioactivity",
          EvidenceKind.ATTRIBUTION, "attribute");

  private Rerun() {}

  static EvidenceVerification check(EvidenceStatement st, Path keysFile) {
    KeySet keys = KeysCommand.load(keysFile);
    for (KeyCommitment c : st.keysTested()) {
      if (keys.keys().stream().noneMatch(c::matches)) {
        return EvidenceVerification.of(
            Reason.KEY_MISMATCH,
            "the key set has no key matching the commitment to '" + c.keyId() + "'");
      }
    }
    for (Subject s : st.subjects()) {
      if (s.name().equals("-")) {
        throw new BadInputException(
            "the finding read standard input; --rerun needs its inputs as files");
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
    int code = cl.execute(args.toArray(String[]::new));
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

  /** The recorded command with --keys pointing at {@code keysFile}; refuses anything else. */
  static List<String> arguments(EvidenceStatement st, Path keysFile) {
    List<String> cmd = st.command();
    String sub = SUBCOMMAND.get(st.kind());
    if (cmd.size() < 2 || !cmd.get(0).equals("telltale") || !cmd.get(1).equals(sub)) {
      throw new BadInputException(
          "the recorded command is not 'telltale " + sub + " …'; refusing to run it");
    }
    List<String> out = new ArrayList<>(cmd.subList(1, cmd.size()));
    boolean keys = false;
    for (int i = 0; i < out.size(); i++) {
      String a = out.get(i);
      String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
      if (EvidenceOption.NOT_RECORDED.contains(name)) {
        throw new BadInputException("the recorded command writes files (" + name + "); refusing");
      }
      if (name.equals("--keys")) {
        keys = true;
        if (a.contains("=")) {
          out.set(i, "--keys=" + keysFile);
        } else if (i + 1 < out.size()) {
          out.set(++i, keysFile.toString());
        }
      }
    }
    if (!keys) {
      throw new BadInputException("the recorded command has no --keys option");
    }
    return out;
  }
}
