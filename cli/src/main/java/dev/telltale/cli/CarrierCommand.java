package dev.telltale.cli;

import dev.telltale.provenance.CarrierExtraction;
import dev.telltale.provenance.ProvenanceToken;
import dev.telltale.provenance.TextCarrier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code telltale carrier}: put, read or remove the invisible token carrier of a text. */
@Command(
    name = "carrier",
    description = "Embed, extract or strip the invisible provenance token carrier of a text.",
    subcommands = {
      CarrierCommand.Embed.class,
      CarrierCommand.Extract.class,
      CarrierCommand.Strip.class
    })
final class CarrierCommand {
  @Command(
      name = "extract",
      description = {
        "Print the carried token as base64url.",
        "Exit 1 when the text has no carrier, several, or a corrupted one."
      })
  static final class Extract implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "TEXTFILE", description = "Text file, or - for stdin.")
    String input;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      CarrierExtraction e = TextCarrier.extract(InputText.read(input, System.in));
      if (e instanceof CarrierExtraction.Found f) {
        PrintWriter out = spec.commandLine().getOut();
        out.println(Base64.getUrlEncoder().withoutPadding().encodeToString(f.token()));
        out.flush();
        return ExitCode.OK;
      }
      String why;
      if (e instanceof CarrierExtraction.Several s) {
        why = "the text has " + s.count() + " carriers; expected one";
      } else if (e instanceof CarrierExtraction.Corrupted c) {
        why = "the carrier is corrupted: " + c.problem();
      } else {
        why = "the text has no carrier";
      }
      spec.commandLine().getErr().println("telltale: " + why);
      return ExitCode.NOT_DETECTED;
    }
  }

  @Command(name = "strip", description = "Print the text without any carrier.")
  static final class Strip implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "TEXTFILE", description = "Text file, or - for stdin.")
    String input;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      out.print(TextCarrier.strip(InputText.read(input, System.in)));
      out.flush();
      return ExitCode.OK;
    }
  }

  @Command(name = "embed", description = "Print the text with a given token carried invisibly.")
  static final class Embed implements Callable<Integer> {
    @ArgGroup(exclusive = true, multiplicity = "1")
    TokenSource token;

    static final class TokenSource {
      @Option(names = "--token", description = "The base64url token.")
      String value;

      @Option(names = "--token-file", description = "File holding the base64url token.")
      Path file;
    }

    @Parameters(arity = "0..1", paramLabel = "TEXTFILE", description = "Text file, or - for stdin.")
    String input;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      String encoded = token.value;
      if (encoded == null) {
        encoded =
            InputText.decodeUtf8(
                BoundedFile.read(token.file, TextCarrier.MAX_TOKEN_BYTES * 2L, "token file"),
                "token file '" + token.file + "'");
      }
      byte[] bytes =
          ProvenanceToken.decodeBase64Url(encoded)
              .orElseThrow(() -> new BadInputException("the token is not unpadded base64url"));
      String text = InputText.read(input, System.in);
      if (!(TextCarrier.extract(text) instanceof CarrierExtraction.None)) {
        throw new BadInputException("the text already carries a token; strip it first");
      }
      if (bytes.length > TextCarrier.MAX_TOKEN_BYTES) {
        throw new BadInputException("the token is larger than a carrier holds");
      }
      PrintWriter out = spec.commandLine().getOut();
      out.print(TextCarrier.embed(text, bytes));
      out.flush();
      return ExitCode.OK;
    }
  }
}
