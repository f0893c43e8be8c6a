package dev.telltale.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.detect.TokenMarks;
import dev.telltale.evidence.Envelope;
import dev.telltale.evidence.EnvelopeReader;
import dev.telltale.evidence.EnvelopeVerifier;
import dev.telltale.evidence.EvidenceFormatException;
import dev.telltale.evidence.EvidenceKind;
import dev.telltale.evidence.EvidenceStatement;
import dev.telltale.evidence.EvidenceVerification;
import dev.telltale.evidence.ResultKinds;
import dev.telltale.evidence.report.Report;
import dev.telltale.evidence.report.ReportInput;
import dev.telltale.evidence.report.SignatureStatus;
import dev.telltale.key.KeyId;
import dev.telltale.key.KeySet;
import dev.telltale.key.WatermarkKey;
import dev.telltale.provenance.PublicKeySet;
import dev.telltale.provenance.PublicKeySetException;
import dev.telltale.text.NormalForm;
import dev.telltale.text.Tokenizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code telltale report}: one self-contained HTML file for a finding. */
@Command(
    name = "report",
    description = {
      "Render a signed evidence envelope or a result JSON (detect, scan, radioactivity or",
      "attribute --json) as one self-contained HTML report: verdict, p-value in plain words,",
      "charts, subjects, signature status and how to re-verify. Exit 0 when written, 1 when",
      "written but the envelope's signature fails the --public check, 2 on bad input."
    })
final class ReportCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--out", required = true, description = "The HTML file to write.")
  Path out;

  @Option(names = "--public", description = "Public keys (JSON) to check the envelope's signature.")
  Path publicKeys;

  @Option(
      names = "--text",
      description = "The tested text, to draw the heat-map when the result has no explain marks.")
  Path text;

  @Option(names = "--keys", description = "Key set file; with --text, recomputes the marks.")
  Path keys;

  @Parameters(paramLabel = "ENVELOPE|RESULT.json", description = "Evidence envelope or result.")
  Path input;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if ((text == null) != (keys == null)) {
      throw new BadInputException("--text and --keys go together (the heat-map needs both)");
    }
    byte[] bytes = read(input);
    JsonNode root = parseObject(bytes);
    ReportInput in;
    if (root.has("payloadType")) {
      in = fromEnvelope(bytes);
    } else {
      EvidenceKind kind =
          ResultKinds.of(root)
              .orElseThrow(
                  () ->
                      new BadInputException(
                          input
                              + " is neither an evidence envelope nor the --json result of"
                              + " detect, scan, radioactivity or attribute"));
      if (publicKeys != null) {
        throw new BadInputException(
            "--public checks an envelope's signature; " + input + " is a bare result");
      }
      in = ReportInput.ofResult(kind, root, input.toString());
    }
    if (text != null) {
      if (in.kind() != EvidenceKind.DETECTION) {
        throw new BadInputException(
            "--text draws a detection heat-map; this is a " + in.kind().label());
      }
      in = in.withExplain(marks(in.result()));
    }
    try {
      Files.writeString(out, Report.render(in), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new BadInputException("cannot write " + out + ": " + e.getMessage(), e);
    }
    PrintWriter o = spec.commandLine().getOut();
    o.printf(
        "wrote %s (%s report, signature: %s)%n", out, in.kind().label(), in.signature().headline());
    o.flush();
    // A checked signature that fails is a failed verification, though the report is written.
    String code = in.signature().code();
    boolean failed =
        !code.equals(SignatureStatus.VALID)
            && !code.equals(SignatureStatus.NOT_CHECKED)
            && !code.equals(SignatureStatus.UNSIGNED);
    return failed ? ExitCode.NOT_DETECTED : ExitCode.OK;
  }

  private ReportInput fromEnvelope(byte[] bytes) {
    Envelope env;
    EvidenceStatement statement;
    try {
      env = EnvelopeReader.parse(bytes);
      statement = EnvelopeReader.statement(env);
    } catch (EvidenceFormatException e) {
      throw new BadInputException(input + ": " + e.getMessage(), e);
    }
    SignatureStatus sig = SignatureStatus.notChecked();
    if (publicKeys != null) {
      EvidenceVerification v = EnvelopeVerifier.of(loadPublicKeys(publicKeys)).verify(env);
      sig =
          v.isValid()
              ? SignatureStatus.valid(v.keyId().orElse("?"))
              : new SignatureStatus(v.reason().name(), v.detail());
    }
    return ReportInput.ofStatement(statement, sig, input.toString());
  }

  static PublicKeySet loadPublicKeys(Path p) {
    try {
      return PublicKeySet.parse(BoundedFile.read(p, PublicKeySet.MAX_BYTES, "public key set"));
    } catch (PublicKeySetException e) {
      throw new BadInputException(p + ": " + e.getMessage(), e);
    }
  }

  private JsonNode marks(JsonNode result) {
    KeySet set = KeysCommand.load(keys);
    String id = result.path("key_id").asText();
    Optional<WatermarkKey> found;
    try {
      found = set.get(KeyId.of(id));
    } catch (IllegalArgumentException e) {
      found = Optional.empty();
    }
    WatermarkKey key = found.orElseThrow(() -> new BadInputException(keys + " has no key " + id));
    Tokenizer tok = DetectCommand.tokenizer(result.path("tokenizer").asText());
    String t = InputText.read(text.toString(), System.in);
    // The form the finding names (older findings, without normal_form, used the hardened one).
    NormalForm form =
        NormalForm.byLabel(result.path("normal_form").asText(NormalForm.HARDENED.label()))
            .orElse(NormalForm.HARDENED);
    int[] ids = tok.encode(form.apply(t));
    return TokenMarks.explain(key, tok, ids);
  }

  private static byte[] read(Path p) {
    return BoundedFile.read(p, EnvelopeReader.MAX_BYTES, "finding");
  }

  private JsonNode parseObject(byte[] bytes) {
    try {
      JsonNode n = JSON.readTree(bytes);
      if (n == null || !n.isObject()) {
        throw new BadInputException(input + " is not a JSON object");
      }
      return n;
    } catch (IOException e) {
      String m = String.valueOf(e.getMessage());
      throw new BadInputException(
          input + " is not JSON: " + (m.contains("\n") ? m.substring(0, m.indexOf('\n')) : m));
    }
  }
}
