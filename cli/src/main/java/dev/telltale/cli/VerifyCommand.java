package dev.telltale.cli;

import dev.telltale.provenance.ProvenanceClaims;
import dev.telltale.provenance.PublicKeySet;
import dev.telltale.provenance.PublicKeySetException;
import dev.telltale.provenance.TokenVerifier;
import dev.telltale.provenance.Verification;
import dev.telltale.provenance.VerificationJson;
import dev.telltale.provenance.VerificationPolicy;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code telltale verify}: verify a provenance token against a text and a public key set. */
@Command(
    name = "verify",
    description = {
      "Verify the provenance token carried in a text (or given with --token) against it.",
      "Exit 0 when VALID, 1 for any other status, 2 when an input cannot be read."
    })
final class VerifyCommand implements Callable<Integer> {
  @Option(
      names = "--public",
      required = true,
      description = "Public key set (JWKS, from 'telltale keys public').")
  Path publicKeys;

  @ArgGroup(exclusive = true)
  TokenSource token;

  static final class TokenSource {
    @Option(names = "--token", description = "The base64url token (out of band).")
    String value;

    @Option(names = "--token-file", description = "File holding the base64url token.")
    Path file;
  }

  @Option(
      names = "--max-age",
      description = "Refuse tokens older than this ISO-8601 duration, e.g. P30D (EXPIRED).")
  String maxAge;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Parameters(arity = "0..1", paramLabel = "TEXTFILE", description = "Text file, or - for stdin.")
  String input;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PublicKeySet keys = readPublicKeys(publicKeys);
    VerificationPolicy policy = VerificationPolicy.strict();
    if (maxAge != null) {
      try {
        policy = policy.withMaxAge(Duration.parse(maxAge));
      } catch (DateTimeParseException | IllegalArgumentException e) {
        throw new BadInputException(
            "--max-age: '" + maxAge + "' is not a positive ISO-8601 duration such as P30D");
      }
    }
    String tokenText = token == null ? null : tokenText();
    String text = InputText.read(input, System.in);
    TokenVerifier verifier = TokenVerifier.of(keys, policy);
    Verification v =
        tokenText == null
            ? verifier.verifyEmbedded(text)
            : verifier.verifyBase64Url(tokenText, text);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(VerificationJson.of(v, text).toString());
    } else {
      printHuman(out, v);
    }
    out.flush();
    return v.isValid() ? ExitCode.OK : ExitCode.NOT_DETECTED;
  }

  private String tokenText() {
    if (token.value != null) {
      return token.value;
    }
    return InputText.decodeUtf8(
        BoundedFile.read(token.file, TokenVerifier.MAX_TOKEN_BYTES * 2L, "token file"),
        "token file '" + token.file + "'");
  }

  static PublicKeySet readPublicKeys(Path path) {
    try {
      return PublicKeySet.parse(BoundedFile.read(path, PublicKeySet.MAX_BYTES, "public key set"));
    } catch (PublicKeySetException e) {
      throw new BadInputException("'" + path + "': " + e.getMessage());
    }
  }

  private static void printHuman(PrintWriter out, Verification v) {
    out.printf("%s: %s%n", v.reason(), v.detail());
    if (v.claims().isPresent()) {
      ProvenanceClaims c = v.claims().get();
      out.printf(
          "  issuer %s, model %s, issued %s, request %s%n",
          c.issuer(), c.modelId(), c.issuedAt(), c.requestId());
      out.printf(
          "  covers %d chars, sha256 %s; watermark key %s (%s)%s%n",
          c.coveredChars(),
          c.outputSha256(),
          c.watermarkKeyId(),
          c.watermarkScheme(),
          c.account().map(a -> "; account " + a.substring(0, 16) + "…").orElse(""));
    }
  }
}
