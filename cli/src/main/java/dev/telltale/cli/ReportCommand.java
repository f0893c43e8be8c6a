package dev.telltale.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.detect.TokenMarks;
import dev.telltale.evidence.Report;
import dev.telltale.evidence.ReportInput;
import dev.telltale.evidence.ReportKind;
import dev.telltale.evidence.SignatureStatus;
import dev.telltale.key.KeyId;
import dev.telltale.key.KeySet;
import dev.telltale.key.WatermarkKey;
import dev.telltale.text.TextNormalizer;
import dev.telltale.text.Tokenizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
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
      "charts, subjects, signature status and how to re-verify. Exit 0 on success, 2 on bad input."
    })
final class ReportCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String IN_TOTO = "application/vnd.in-toto+json";

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
    JsonNode root = readJson(input);
    ReportInput in;
    if (root.has("payloadType")) {
      in = fromEnvelope(root);
    } else {
      ReportKind kind =
          ReportKind.ofResult(root)
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
      if (in.kind() != ReportKind.DETECTION) {
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
    return ExitCode.OK;
  }

  private ReportInput fromEnvelope(JsonNode env) {
    if (!IN_TOTO.equals(env.path("payloadType").asText())) {
      throw new BadInputException(input + ": payloadType is not " + IN_TOTO);
    }
    JsonNode statement;
    try {
      byte[] payload = Base64.getDecoder().decode(env.path("payload").asText());
      statement = JSON.readTree(payload);
    } catch (IllegalArgumentException | IOException e) {
      throw new BadInputException(input + ": the envelope's payload is not base64 JSON");
    }
    String type = statement.path("predicateType").asText();
    ReportKind kind =
        ReportKind.ofPredicateType(type)
            .orElseThrow(() -> new BadInputException(input + ": unknown predicateType " + type));
    JsonNode result = statement.path("predicate").path("result");
    if (!result.isObject()) {
      throw new BadInputException(input + ": the statement has no predicate.result");
    }
    SignatureStatus sig = SignatureStatus.notChecked();
    return new ReportInput(
        kind, result, Optional.of(statement), sig, Optional.empty(), input.toString());
  }

  private JsonNode marks(JsonNode result) {
    KeySet set = KeysCommand.load(keys);
    String id = result.path("key_id").asText();
    WatermarkKey key =
        set.get(KeyId.of(id)).orElseThrow(() -> new BadInputException(keys + " has no key " + id));
    Tokenizer tok = DetectCommand.tokenizer(result.path("tokenizer").asText());
    String t = InputText.read(text.toString(), System.in);
    int[] ids = tok.encode(TextNormalizer.normalize(t));
    return TokenMarks.explain(key, tok, ids);
  }

  private static JsonNode readJson(Path p) {
    try {
      JsonNode n = JSON.readTree(Files.readAllBytes(p));
      if (n == null || !n.isObject()) {
        throw new BadInputException(p + " is not a JSON object");
      }
      return n;
    } catch (JsonProcessingException e) {
      throw new BadInputException(p + " is not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new BadInputException("cannot read " + p + ": " + e.getMessage(), e);
    }
  }
}
