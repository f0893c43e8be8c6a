package dev.telltale.cli;

import dev.telltale.key.KeySet;
import dev.telltale.key.SigningKey;
import dev.telltale.key.WatermarkKey;
import dev.telltale.provenance.AccountPseudonym;
import dev.telltale.provenance.CarrierExtraction;
import dev.telltale.provenance.ProvenanceClaims;
import dev.telltale.provenance.ProvenanceToken;
import dev.telltale.provenance.TextCarrier;
import dev.telltale.provenance.TokenSigner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code telltale sign}: sign a provenance token over a text. */
@Command(
    name = "sign",
    description = {
      "Sign a provenance token (COSE_Sign1, Ed25519) over a text with the primary signing key.",
      "Prints the base64url token, or with --embed the text with the token carried invisibly."
    })
final class SignCommand implements Callable<Integer> {
  @Option(names = "--keys", required = true, description = "Key set file with a signing key.")
  Path keys;

  @Option(
      names = "--model",
      defaultValue = "telltale-demo-teacher",
      description = "Model id claim (default ${DEFAULT-VALUE}).")
  String model;

  @Option(
      names = "--issuer",
      defaultValue = "telltale",
      description = "Issuer claim (default ${DEFAULT-VALUE}).")
  String issuer;

  @Option(
      names = "--account",
      description = "Real account id; the token carries only its keyed pseudonym (HMAC-SHA256).")
  String account;

  @Option(names = "--request-id", description = "Request id claim (default a random UUID).")
  String requestId;

  @ArgGroup(exclusive = true)
  Output output;

  static final class Output {
    @Option(names = "--embed", description = "Print the text with the invisible carrier.")
    boolean embed;

    @Option(names = "--token-out", description = "Write the base64url token to this file.")
    Path tokenOut;
  }

  @Parameters(arity = "0..1", paramLabel = "TEXTFILE", description = "Text file, or - for stdin.")
  String input;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    KeySet set = KeysCommand.load(keys);
    SigningKey signingKey =
        set.primarySigningKey()
            .orElseThrow(
                () ->
                    new BadInputException(
                        "key file '"
                            + keys
                            + "' has no signing key; add one with: telltale keys rotate --signing"
                            + " --keys "
                            + keys));
    String text = InputText.read(input, System.in);
    boolean embed = output != null && output.embed;
    if (embed && !(TextCarrier.extract(text) instanceof CarrierExtraction.None)) {
      throw new BadInputException(
          "the text already carries a provenance token; remove it with: telltale carrier strip");
    }
    WatermarkKey watermarkKey = set.primary();
    ProvenanceClaims claims;
    try {
      Optional<String> pseudonym =
          account == null
              ? Optional.empty()
              : Optional.of(AccountPseudonym.of(watermarkKey, account));
      claims =
          ProvenanceClaims.forOutput(
              text,
              issuer,
              model,
              Instant.now().truncatedTo(ChronoUnit.SECONDS),
              requestId == null ? UUID.randomUUID().toString() : requestId,
              pseudonym,
              watermarkKey);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage());
    }
    ProvenanceToken token = TokenSigner.of(signingKey).sign(claims);
    PrintWriter out = spec.commandLine().getOut();
    if (embed) {
      out.print(TextCarrier.embed(text, token.bytes()));
    } else if (output != null && output.tokenOut != null) {
      try {
        Files.writeString(output.tokenOut, token.toBase64Url() + "\n", StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new BadInputException(
            "cannot write token file '" + output.tokenOut + "': " + e.getMessage(), e);
      }
      spec.commandLine()
          .getErr()
          .printf(
              "signed %d chars with %s; token (%d bytes) in %s%n",
              claims.coveredChars(), token.kid(), token.size(), output.tokenOut);
    } else {
      out.println(token.toBase64Url());
    }
    out.flush();
    return ExitCode.OK;
  }
}
